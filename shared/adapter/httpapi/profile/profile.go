package profile

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

type profileResponse struct {
	Name      string            `json:"name,omitempty"`
	BirthDate *string           `json:"birthDate"`
	TimeZone  string            `json:"timeZone"`
	Language  string            `json:"language"`
	Email     string            `json:"email,omitempty"`
	Phone     string            `json:"phone,omitempty"`
	Channels  registry.Channels `json:"channels"`
	Contacts  []contactResponse `json:"contacts"`
	Version   int               `json:"version"`
	UpdatedAt *time.Time        `json:"updatedAt,omitempty"`
}

// contactResponse is a contact and whether reminders reach it yet.
type contactResponse struct {
	Channel      string `json:"channel"`
	Address      string `json:"address"`
	Subscription string `json:"subscription"` // confirmed, pending, none
}

func writeProfile(w http.ResponseWriter, r *http.Request, svc *registry.Service, p registry.Profile) error {
	states, err := svc.ContactStates(r.Context(), p)
	if err != nil {
		return err
	}
	out := profileResponse{Name: p.Name, TimeZone: p.TimeZone, Language: p.Language,
		Email: p.Email, Phone: p.Phone, Channels: p.Channels, Contacts: []contactResponse{}, Version: p.Version}
	for _, c := range states {
		out.Contacts = append(out.Contacts, contactResponse{Channel: c.Channel, Address: c.Address, Subscription: c.Subscription})
	}
	if p.BirthDate != nil {
		s := p.BirthDate.String()
		out.BirthDate = &s
	}
	if !p.UpdatedAt.IsZero() {
		out.UpdatedAt = &p.UpdatedAt
	}
	w.Header().Set("ETag", httpapi.ETag(p.Version))
	httpapi.Encode(w, http.StatusOK, out)
	return nil
}

// handleGetProfile returns the caller's profile, with defaults before the first save.
func handleGetProfile(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		p, err := svc.GetProfile(r.Context(), id.Sub)
		if err != nil {
			return err
		}
		return writeProfile(w, r, svc, p)
	})
}

// handlePutProfile replaces the caller's profile; If-Match is honoured when sent.
func handlePutProfile(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in registry.ProfileInput
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		p, err := svc.PutProfile(r.Context(), id.Sub, in, httpapi.IfMatch(r))
		if err != nil {
			return err
		}
		return writeProfile(w, r, svc, p)
	})
}
