package applications

import (
	"net/http"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
)

// handleRespondApplication lets the applicant answer a request for
// information: {fields?, comment?, files?} (files are refused until
// electronic copies land). 404 for someone else's application, 409 when it
// is not in needs_info or the time to answer has ended, 422 for fields the
// service does not have or values that break its rules.
func handleRespondApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in applications.Response
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		a, err := svc.Respond(r.Context(), id.Sub, r.PathValue("id"), in)
		if err != nil {
			return err
		}
		writeApplication(w, http.StatusOK, a)
		return nil
	})
}

// handleAssignApplication gives an application of the caller's agency to
// another of its clerks, for a lead clerk (group staff, claim
// custom:agencyRole=lead): {clerk}.
func handleAssignApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			Clerk string `json:"clerk"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		a, err := svc.Assign(r.Context(), agencyStaffOf(id), r.PathValue("id"), in.Clerk)
		if err != nil {
			return err
		}
		writeApplication(w, http.StatusOK, a)
		return nil
	})
}
