package profile

// The handlers for the people an account holder acts for (GET/POST
// /family, GET/PATCH/DELETE /family/{personId}, POST
// /family/{personId}/handover) and for a grown-up redeeming the code that
// hands their documents over (POST /family/handover/redeem). Only the
// holder reaches a dependent: the holder is the verified identity, and
// another holder's id is 404.

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/family"
)

// familyHandlers are the family routes' handlers.
func familyHandlers(svc *family.Service) httpapi.Handlers {
	return httpapi.Handlers{
		"GET /family":               handleList(svc),
		"POST /family":              handleCreate(svc),
		"GET /family/{personId}":    handleGet(svc),
		"PATCH /family/{personId}":  handleUpdate(svc),
		"DELETE /family/{personId}": handleDelete(svc),
		// growing up: the holder's one-time code, the grown-up's redeeming
		"POST /family/{personId}/handover": handleIssueHandover(svc),
		"POST /family/handover/redeem":     handleRedeemHandover(svc),
	}
}

type personResponse struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	BirthDate string  `json:"birthDate"`
	Relation  string  `json:"relation"`
	SNILS     string  `json:"snils,omitempty"`
	Until     *string `json:"until,omitempty"`
	Status    string  `json:"status"`
	AdultOn   *string `json:"adultOn,omitempty"`
	// Handover is the hand-over of a grown-up child's documents.
	Handover  *handoverResponse `json:"handover,omitempty"`
	Version   int               `json:"version"`
	CreatedAt time.Time         `json:"createdAt"`
	UpdatedAt time.Time         `json:"updatedAt"`
}

type handoverResponse struct {
	State     string     `json:"state"`
	Deadline  *time.Time `json:"deadline,omitempty"`
	CodeUntil *time.Time `json:"codeUntil,omitempty"`
	Moved     int        `json:"moved"`
}

func person(d family.Dependent, today civil.Date) personResponse {
	out := personResponse{ID: d.ID, Name: d.Name, BirthDate: d.BirthDate.String(), Relation: d.Relation, SNILS: d.SNILS,
		Status: string(d.StatusOn(today)), Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if d.Until != nil {
		u := d.Until.String()
		out.Until = &u
	}
	if d.Relation == family.RelationChild {
		a := d.AdultOn().String()
		out.AdultOn = &a
	}
	if h := d.Handover; h.State != family.HandoverNone {
		out.Handover = &handoverResponse{State: string(h.State), Deadline: h.Deadline, Moved: h.Moved}
		if h.State == family.HandoverOffered {
			out.Handover.CodeUntil = h.CodeUntil
		}
	}
	return out
}

// handleIssueHandover gives the holder a new one-time code for their
// grown-up child, shown once (the store keeps its hash only).
func handleIssueHandover(svc *family.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		code, until, err := svc.IssueHandoverCode(r.Context(), id.Sub, r.PathValue("personId"))
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.Encode(w, http.StatusCreated, map[string]any{"code": code, "expiresAt": until})
		return nil
	})
}

// handleRedeemHandover moves the documents a code hands over to the caller.
func handleRedeemHandover(svc *family.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			Code string `json:"code"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		res, err := svc.RedeemHandover(r.Context(), id.Sub, in.Code)
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, map[string]any{"moved": res.Moved, "name": res.Name})
		return nil
	})
}

func handleList(svc *family.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		ds, today, err := svc.List(r.Context(), id.Sub)
		if err != nil {
			return err
		}
		items := make([]personResponse, 0, len(ds))
		for _, d := range ds {
			items = append(items, person(d, today))
		}
		httpapi.Encode(w, http.StatusOK, map[string]any{"items": items})
		return nil
	})
}

func handleCreate(svc *family.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in family.Input
		body, err := httpapi.Decode(w, r, &in)
		if err != nil {
			return err
		}
		idem, err := httpapi.IdempotencyKey(r, body, svc.Now())
		if err != nil {
			return err
		}
		d, replayed, today, err := svc.Create(r.Context(), id.Sub, in, idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", "/family/"+d.ID)
		w.Header().Set("ETag", httpapi.ETag(d.Version))
		httpapi.Encode(w, http.StatusCreated, person(d, today))
		return nil
	})
}

func handleGet(svc *family.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		d, today, err := svc.Get(r.Context(), id.Sub, r.PathValue("personId"))
		if err != nil {
			return err
		}
		w.Header().Set("ETag", httpapi.ETag(d.Version))
		httpapi.Encode(w, http.StatusOK, person(d, today))
		return nil
	})
}

func handleUpdate(svc *family.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in family.Input
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		d, today, err := svc.Update(r.Context(), id.Sub, r.PathValue("personId"), in, httpapi.IfMatch(r))
		if err != nil {
			return err
		}
		w.Header().Set("ETag", httpapi.ETag(d.Version))
		httpapi.Encode(w, http.StatusOK, person(d, today))
		return nil
	})
}

func handleDelete(svc *family.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		if err := svc.Delete(r.Context(), id.Sub, r.PathValue("personId")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
