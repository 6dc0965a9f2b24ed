// Package inboxstore is the cabinet inbox's DynamoDB adapter
// (inbox.Store): a person's notifications on the one table. Its item is
// also written by the other domains' stores that notify in the same
// transaction as their change (appstore, ingeststore, remindstore).
package inboxstore

import "github.com/kabinet/kabinet/shared/adapter/store"

// Store is the DynamoDB implementation of inbox.Store.
type Store struct{ *store.Store }

// New is the inbox's store on base's table.
func New(base *store.Store) *Store { return &Store{base} }

// The inbox's item, under the person's partition:
//
//	USER#<sub>      NOTIF#<notificationId>      a notification (in the due index while its messages are unsent)
const (
	// NotifPrefix starts a notification's sort key.
	NotifPrefix = "NOTIF#"
	// KindNotification is a notification item's kind attribute.
	KindNotification = "notification"
)
