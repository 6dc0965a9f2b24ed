// Package inbox is the cabinet's own notification inbox: every reminder and
// every status change a person is told about, whatever channels they
// enabled. Nothing here knows about AWS.
package inbox

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/paging"
)

// Kinds of notification.
const (
	KindDocumentExpiring = "document_expiring"
	KindDocumentExpired  = "document_expired"
	// KindBookingUpcoming reminds of an appointment: the day before, and
	// two hours before it starts.
	KindBookingUpcoming = "booking_upcoming"
	// KindBookingConfirmed, KindBookingRescheduled and KindBookingCancelled
	// confirm a booking made, moved or cancelled (by the person or by the
	// institution); they name the booking (BookingID).
	KindBookingConfirmed   = "booking_confirmed"
	KindBookingRescheduled = "booking_rescheduled"
	KindBookingCancelled   = "booking_cancelled"
	// KindWaitlistOffer offers a slot held for the person from a waiting list.
	KindWaitlistOffer = "waitlist_offer"
)

// Notification is one message in a person's inbox, written in their language
// when it was created.
type Notification struct {
	ID      string
	Owner   string
	Kind    string
	Title   string
	Body    string
	DocID   string
	DocType string
	// BookingID names the booking a confirmation is about ("" otherwise).
	BookingID string
	// WaitlistID names the waiting-list entry an offer is for ("" otherwise).
	WaitlistID string
	DaysLeft   *int
	CreatedAt  time.Time
	ReadAt     *time.Time
}

// Message is the notification as a message on another channel (SMS,
// e-mail): its title as the subject, and the title and body as the text.
func (n Notification) Message() (subject, body string) {
	return n.Title, n.Title + "\n" + n.Body
}

// Store persists notifications under their owner.
type Store interface {
	// ListNotifications returns up to limit of owner's notifications newest
	// first after position `after`, only unread ones when unreadOnly, and
	// the position to continue from ("" at the end). Errors: Unavailable, Internal.
	ListNotifications(ctx context.Context, owner string, unreadOnly bool, after string, limit int) ([]Notification, string, error)
	// MarkRead sets ReadAt if unset and returns the notification.
	// Errors: NotFound, Unavailable, Internal.
	MarkRead(ctx context.Context, owner, id string, at time.Time) (Notification, error)
}

// Service is the inbox. Every method acts for owner, the authenticated
// person; another person's notification is NotFound.
type Service struct {
	Store Store
	Now   func() time.Time
}

// Page is a page of notifications.
type Page struct {
	Items      []Notification
	NextCursor string
}

// List returns owner's notifications, newest first.
// Errors: Malformed (cursor), Unavailable, Internal.
func (s *Service) List(ctx context.Context, owner string, unreadOnly bool, limit int, cursor string) (Page, error) {
	after, err := paging.DecodeCursor(cursor)
	if err != nil {
		return Page{}, err
	}
	items, next, err := s.Store.ListNotifications(ctx, owner, unreadOnly, after, paging.ClampLimit(limit))
	if err != nil {
		return Page{}, err
	}
	return Page{Items: items, NextCursor: paging.EncodeCursor(next)}, nil
}

// MarkRead marks one of owner's notifications read; marking it again
// changes nothing. Errors: NotFound, Unavailable, Internal.
func (s *Service) MarkRead(ctx context.Context, owner, id string) (Notification, error) {
	if id == "" {
		return Notification{}, errs.E("inbox.MarkRead", errs.NotFound, nil)
	}
	return s.Store.MarkRead(ctx, owner, id, s.Now().UTC())
}
