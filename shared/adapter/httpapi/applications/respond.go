package applications

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
)

// handleRespondApplication lets the applicant answer a request for
// information: {fields?, comment?, files?} (files: ids of the applicant's
// complete files). 404 for someone else's application, 409 when it is not
// in needs_info or the time to answer has ended, 422 for fields the
// service does not have, values that break its rules, or a file that is
// not the applicant's or not ready.
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

// handleResponseFile gives staff of the application's agency a download
// of a file the applicant sent with an answer: its record and a
// short-lived presigned GET.
func handleResponseFile(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		d, err := svc.ResponseFile(r.Context(), agencyStaffOf(id), r.PathValue("id"), r.PathValue("fileId"))
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, struct {
			attachmentResponse
			DownloadURL string    `json:"downloadUrl"`
			ExpiresAt   time.Time `json:"expiresAt"`
		}{toAttachmentResponse(d.Attachment), d.URL, d.ExpiresAt})
		return nil
	})
}
