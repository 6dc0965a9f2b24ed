// Package notifications is the notifications function's HTTP handlers: the
// cabinet's inbox. Routes are functions.All's; Handlers maps each to its
// handler.
package notifications

import (
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

// Handlers are the notifications function's handlers, by route: the
// cabinet's inbox.
func Handlers(svc *inbox.Service) httpapi.Handlers {
	return httpapi.Handlers{
		"GET /notifications":            handleListNotifications(svc),
		"POST /notifications/{id}/read": handleReadNotification(svc),
	}
}
