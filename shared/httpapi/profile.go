package httpapi

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/registry"
)

type profileResponse struct {
	Name      string     `json:"name,omitempty"`
	BirthDate *string    `json:"birthDate"`
	TimeZone  string     `json:"timeZone"`
	Language  string     `json:"language"`
	Email     string     `json:"email,omitempty"`
	Phone     string     `json:"phone,omitempty"`
	Version   int        `json:"version"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

func writeProfile(w http.ResponseWriter, p registry.Profile) {
	out := profileResponse{Name: p.Name, TimeZone: p.TimeZone, Language: p.Language,
		Email: p.Email, Phone: p.Phone, Version: p.Version}
	if p.BirthDate != nil {
		s := p.BirthDate.String()
		out.BirthDate = &s
	}
	if !p.UpdatedAt.IsZero() {
		out.UpdatedAt = &p.UpdatedAt
	}
	w.Header().Set("ETag", etag(p.Version))
	encode(w, http.StatusOK, out)
}

// handleGetProfile returns the caller's profile, with defaults before the first save.
func handleGetProfile(svc *registry.Service) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := caller(r)
		if err != nil {
			return err
		}
		p, err := svc.GetProfile(r.Context(), id.Sub)
		if err != nil {
			return err
		}
		writeProfile(w, p)
		return nil
	})
}

// handlePutProfile replaces the caller's profile; If-Match is honoured when sent.
func handlePutProfile(svc *registry.Service) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := caller(r)
		if err != nil {
			return err
		}
		var in registry.ProfileInput
		if _, err := decode(w, r, &in); err != nil {
			return err
		}
		version, err := ifMatch(r, false)
		if err != nil {
			return err
		}
		p, err := svc.PutProfile(r.Context(), id.Sub, in, version)
		if err != nil {
			return err
		}
		writeProfile(w, p)
		return nil
	})
}
