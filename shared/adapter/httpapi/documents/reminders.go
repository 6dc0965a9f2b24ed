package documents

import (
	"net/http"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// handleAckReminder acknowledges the last reminder of a document.
func handleAckReminder(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
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
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			Until string `json:"until"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
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
