package profile

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/erasure"
)

// erasureRequest is the body of POST /profile/erasure: confirm must be
// erasure.Confirmation, word for word.
type erasureRequest struct {
	Confirm string `json:"confirm"`
}

// erasureResponse is a person's erasure as they see it: where it is and
// how many items are gone so far.
type erasureResponse struct {
	State       erasure.State `json:"state"`
	RequestedAt time.Time     `json:"requestedAt"`
	FinishedAt  *time.Time    `json:"finishedAt,omitempty"`
	Erased      int           `json:"erased"`
}

func writeErasure(w http.ResponseWriter, status int, e erasure.Erasure) {
	httpapi.Encode(w, status, erasureResponse{State: e.State, RequestedAt: e.RequestedAt, FinishedAt: e.FinishedAt, Erased: e.Erased})
}

// handleRequestErasure starts the erasure of the caller's account and
// answers 202 with its state; asked again, it answers the erasure under way
// (the request is idempotent by itself, so it takes no Idempotency-Key).
func handleRequestErasure(svc *erasure.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in erasureRequest
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		e, err := svc.Request(r.Context(), id.Sub, in.Confirm)
		if err != nil {
			return err
		}
		writeErasure(w, http.StatusAccepted, e)
		return nil
	})
}

// handleGetErasure answers the caller's erasure: 404 when none was asked for.
func handleGetErasure(svc *erasure.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		e, err := svc.Status(r.Context(), id.Sub)
		if err != nil {
			return err
		}
		writeErasure(w, http.StatusOK, e)
		return nil
	})
}
