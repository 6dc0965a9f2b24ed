package booking

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
)

// waitResponse is a waiting-list entry as the person sees it.
type waitResponse struct {
	ID             string               `json:"id"`
	InstitutionID  string               `json:"institutionId"`
	Specialization string               `json:"specialization"`
	SpecialistID   string               `json:"specialistId,omitempty"`
	From           string               `json:"from"`
	To             string               `json:"to"`
	PartOfDay      string               `json:"partOfDay,omitempty"`
	Status         string               `json:"status"`
	CreatedAt      string               `json:"createdAt"`
	Offer          *offeredSlotResponse `json:"offer,omitempty"`
	OfferUntil     string               `json:"offerUntil,omitempty"`
	TimeZone       string               `json:"timeZone,omitempty"`
	BookingID      string               `json:"bookingId,omitempty"`
}

func (d Deps) waitView(r *http.Request, e booking.WaitEntry) waitResponse {
	out := waitResponse{ID: e.ID, InstitutionID: e.InstitutionID, Specialization: e.Specialization, SpecialistID: e.SpecialistID,
		From: e.From.String(), To: e.To.String(), PartOfDay: e.PartOfDay, Status: e.Status,
		CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339), BookingID: e.BookingID}
	if e.Status == booking.WaitOffered && e.Offer != nil && d.Service.Now().Before(e.Until) {
		loc := time.UTC
		var name string
		if idx, err := d.Directory.Index(r.Context()); err == nil {
			if in, err := idx.Institution(e.InstitutionID); err == nil {
				if l, err := civil.Zone(in.TimeZone); err == nil {
					loc, out.TimeZone = l, in.TimeZone
				}
			}
			if sp, err := idx.Specialist(e.Offer.SpecialistID); err == nil {
				name = sp.Name
			}
		}
		out.Offer = &offeredSlotResponse{ID: e.Offer.ID(), Start: e.Offer.Start.In(loc).Format(time.RFC3339),
			End: e.Offer.End.In(loc).Format(time.RFC3339), SpecialistID: e.Offer.SpecialistID, SpecialistName: name}
		out.OfferUntil = e.Until.In(loc).Format(time.RFC3339)
	} else if e.Status == booking.WaitOffered {
		out.Status = booking.WaitExpired // lapsed; the pipeline is about to pass it on
	}
	return out
}

// handleJoinWaitlist puts the caller on a waiting list: 201, or 200 with
// the entry they already have on the same list.
func handleJoinWaitlist(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in booking.WaitInput
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		e, existed, err := d.Service.JoinWaitlist(r.Context(), id.Sub, in)
		if err != nil {
			return err
		}
		status := http.StatusCreated
		if existed {
			status = http.StatusOK
		}
		w.Header().Set("Location", "/waitlist/"+e.ID)
		httpapi.Encode(w, status, d.waitView(r, e))
		return nil
	})
}

// handleWaitlist lists the caller's waiting-list entries, newest first.
func handleWaitlist(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		list, err := d.Service.Waitlist(r.Context(), id.Sub)
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[waitResponse]{Items: []waitResponse{}}
		for _, e := range list {
			out.Items = append(out.Items, d.waitView(r, e))
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleLeaveWaitlist takes the caller off a waiting list.
func handleLeaveWaitlist(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		if err := d.Service.LeaveWaitlist(r.Context(), id.Sub, r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleAcceptOffer books the slot offered to the caller: 201, or 200 with
// the booking an earlier accept made.
func handleAcceptOffer(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			SlotID string `json:"slotId"`
			Mode   string `json:"mode"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		b, replayed, err := d.Service.AcceptOffer(r.Context(), id.Sub, r.PathValue("id"), booking.AcceptInput{SlotID: in.SlotID, Mode: in.Mode})
		if err != nil {
			return err
		}
		status := http.StatusCreated
		if replayed {
			status = http.StatusOK
		}
		w.Header().Set("Location", "/bookings/"+b.ID)
		d.write(w, r, status, b)
		return nil
	})
}

// handleDeclineOffer gives the offered slot up to the next in line.
func handleDeclineOffer(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		e, err := d.Service.DeclineOffer(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, d.waitView(r, e))
		return nil
	})
}
