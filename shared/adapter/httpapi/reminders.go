package httpapi

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// handleAckReminder acknowledges the last reminder of a document.
func handleAckReminder(svc *registry.Service) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		v, err := svc.AckReminder(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		writeDocument(w, http.StatusOK, v)
		return nil
	})
}

// handleSnoozeReminder postpones a document's next reminder: {"until": date or instant}.
func handleSnoozeReminder(svc *registry.Service) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		var in struct {
			Until string `json:"until"`
		}
		if _, err := decode(w, r, &in); err != nil {
			return err
		}
		v, err := svc.SnoozeReminder(r.Context(), id.Sub, r.PathValue("id"), in.Until)
		if err != nil {
			return err
		}
		writeDocument(w, http.StatusOK, v)
		return nil
	})
}

type notificationResponse struct {
	ID           string     `json:"id"`
	Kind         string     `json:"kind"`
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	DocumentID   string     `json:"documentId,omitempty"`
	DocumentType string     `json:"documentType,omitempty"`
	DaysLeft     *int       `json:"daysLeft,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
	ReadAt       *time.Time `json:"readAt"`
	Unread       bool       `json:"unread"`
}

func toNotificationResponse(n inbox.Notification) notificationResponse {
	return notificationResponse{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, DocumentID: n.DocID,
		DocumentType: n.DocType, DaysLeft: n.DaysLeft, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt, Unread: n.ReadAt == nil}
}

// handleListNotifications lists the caller's inbox, newest first.
func handleListNotifications(svc *inbox.Service) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		var fe errs.Fields
		q := r.URL.Query()
		limit := queryInt(r, "limit", &fe)
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
		out := listResponse[notificationResponse]{Items: make([]notificationResponse, len(page.Items)), NextCursor: page.NextCursor}
		for i, n := range page.Items {
			out.Items[i] = toNotificationResponse(n)
		}
		encode(w, http.StatusOK, out)
		return nil
	})
}

// handleReadNotification marks one notification read.
func handleReadNotification(svc *inbox.Service) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		n, err := svc.MarkRead(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		encode(w, http.StatusOK, toNotificationResponse(n))
		return nil
	})
}
