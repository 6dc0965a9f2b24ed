package notifications

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

type notificationResponse struct {
	ID           string     `json:"id"`
	Kind         string     `json:"kind"`
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	DocumentID   string     `json:"documentId,omitempty"`
	DocumentType string     `json:"documentType,omitempty"`
	BookingID    string     `json:"bookingId,omitempty"`
	WaitlistID   string     `json:"waitlistId,omitempty"`
	DaysLeft     *int       `json:"daysLeft,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
	ReadAt       *time.Time `json:"readAt"`
	Unread       bool       `json:"unread"`
}

func toNotificationResponse(n inbox.Notification) notificationResponse {
	return notificationResponse{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, DocumentID: n.DocID,
		DocumentType: n.DocType, BookingID: n.BookingID, WaitlistID: n.WaitlistID, DaysLeft: n.DaysLeft, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt, Unread: n.ReadAt == nil}
}

// handleListNotifications lists the caller's inbox, newest first.
func handleListNotifications(svc *inbox.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var fe errs.Fields
		q := r.URL.Query()
		limit := httpapi.QueryInt(r, "limit", &fe)
		unread := false
		switch q.Get("unread") {
		case "", "false":
		case "true":
			unread = true
		default:
			fe.Add("unread", "not_boolean")
		}
		if err := fe.ErrKind("httpapi.listNotifications", errs.Malformed); err != nil {
			return err
		}
		page, err := svc.List(r.Context(), id.Sub, unread, limit, q.Get("cursor"))
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[notificationResponse]{Items: make([]notificationResponse, len(page.Items)), NextCursor: httpapi.NextCursor(r, page.NextCursor)}
		for i, n := range page.Items {
			out.Items[i] = toNotificationResponse(n)
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleReadNotification marks one notification read.
func handleReadNotification(svc *inbox.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		n, err := svc.MarkRead(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, toNotificationResponse(n))
		return nil
	})
}
