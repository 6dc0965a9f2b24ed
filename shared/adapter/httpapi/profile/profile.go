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

// contactResponse is a contact, whether its owner proved it, and whether
// reminders reach it yet.
type contactResponse struct {
	Channel string `json:"channel"`
	Address string `json:"address"`
	// State is "verified" or "pending": a pending contact receives only
	// its codes.
	State         string     `json:"state"`
	Subscription  string     `json:"subscription"` // confirmed, pending, none
	CodeExpiresAt *time.Time `json:"codeExpiresAt,omitempty"`
	AttemptsLeft  *int       `json:"attemptsLeft,omitempty"`
	ResendAt      *time.Time `json:"resendAt,omitempty"`
	// Owner and Sharers: the person verified it first and sees who else
	// shares it (masked), and may remove them.
	Owner   bool             `json:"owner"`
	Sharers []sharerResponse `json:"sharers,omitempty"`
}

type sharerResponse struct {
	ID    string     `json:"id"`
	Name  string     `json:"name"`
	Since *time.Time `json:"since,omitempty"`
}

// writeProfile answers p with its contacts' states (registry.ContactStates,
// or what a contact's change returned).
func writeProfile(w http.ResponseWriter, p registry.Profile, states []registry.ContactState) {
	out := profileResponse{Name: p.Name, TimeZone: p.TimeZone, Language: p.Language,
		Email: p.Email, Phone: p.Phone, Channels: p.Channels, Contacts: []contactResponse{}, Version: p.Version}
	for _, c := range states {
		cr := contactResponse{Channel: c.Channel, Address: c.Address, State: "pending", Subscription: c.Subscription,
			CodeExpiresAt: c.CodeExpiresAt, ResendAt: c.ResendAt, Owner: c.Owner}
		if c.Verified {
			cr.State = "verified"
		}
		if c.CodeExpiresAt != nil {
			n := c.AttemptsLeft
			cr.AttemptsLeft = &n
		}
		for _, s := range c.Sharers {
			cr.Sharers = append(cr.Sharers, sharerResponse{ID: s.ID, Name: s.Name, Since: s.Since})
		}
		out.Contacts = append(out.Contacts, cr)
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
}

// writeWithStates answers p with its contacts' states, read now.
func writeWithStates(w http.ResponseWriter, r *http.Request, svc *registry.Service, p registry.Profile) error {
	states, err := svc.ContactStates(r.Context(), p)
	if err != nil {
		return err
	}
	writeProfile(w, p, states)
	return nil
}

// handleGetProfile returns the caller's profile, with defaults before the first save.
func handleGetProfile(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		p, err := svc.GetProfile(r.Context(), id.Sub)
		if err != nil {
			return err
		}
		return writeWithStates(w, r, svc, p)
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
		return writeWithStates(w, r, svc, p)
	})
}

// verifyRequest is the body of POST /profile/contacts/verify.
type verifyRequest struct {
	Channel string `json:"channel"`
	Address string `json:"address"`
	Code    string `json:"code"`
}

// handleVerify checks a code sent to one of the caller's contacts and
// answers the profile, the contact verified.
func handleVerify(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in verifyRequest
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		p, states, err := svc.VerifyContact(r.Context(), id.Sub, registry.VerifyInput{Channel: in.Channel, Address: in.Address, Code: in.Code})
		if err != nil {
			return err
		}
		writeProfile(w, p, states)
		return nil
	})
}

// resendRequest is the body of POST /profile/contacts/resend.
type resendRequest struct {
	Channel string `json:"channel"`
	Address string `json:"address"`
}

// handleResend sends a new code to one of the caller's pending contacts
// and answers the profile (the contact with its new code's expiry).
func handleResend(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in resendRequest
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		p, states, err := svc.SendCode(r.Context(), id.Sub, in.Channel, in.Address)
		if err != nil {
			return err
		}
		writeProfile(w, p, states)
		return nil
	})
}

// handleRemoveSharer removes another person from a contact the caller owns.
func handleRemoveSharer(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		if err := svc.RemoveSharer(r.Context(), id.Sub, r.PathValue("sharerId")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
