package booking

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/stats/inststats"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/metrics"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

// Deps are what the electronic registry's handlers need.
type Deps struct {
	Service   *booking.Service
	Directory *directory.Cache
	// Signer signs the QR codes of confirmations. It is called when a
	// ticket is first drawn rather than at start-up, so making the key
	// stays out of the function's cold start (see ticket.SeedFrom); nil, or
	// a signer without a key, fails the QR and PDF routes.
	Signer func() ticket.Signer
	// Profiles gives the caller's language to downloads and bookings when
	// the request names none (httpapi.WithReaderLanguage); nil gives the
	// default language.
	Profiles httpapi.Profiles
	// PDFSigner signs the confirmation PDF as Kabinet (PAdES), so a PDF
	// reader shows it unchanged since issue; nil serves it unsigned.
	PDFSigner PDFSigner
	// Stats reads the institution's dashboard (GET /institutions/{id}/stats).
	Stats inststats.Service
}

// PDFSigner signs a PDF Kabinet issues (shared/adapter/pades).
type PDFSigner interface {
	Sign(doc []byte, at time.Time, reason string) ([]byte, error)
}

func staffOf(id httpapi.Identity) booking.Staff {
	return booking.Staff{Sub: id.Sub, IsStaff: id.InGroup("staff"), Institution: id.Institution}
}

type bookingEventResponse struct {
	Action string  `json:"action"`
	Actor  string  `json:"actor"`
	At     string  `json:"at"`
	Reason string  `json:"reason,omitempty"`
	From   *string `json:"from,omitempty"`
	To     *string `json:"to,omitempty"`
}

// offeredSlotResponse is a slot offered instead of a booking the
// institution cancelled: one tap rebooks into it.
type offeredSlotResponse struct {
	ID             string `json:"id"`
	Start          string `json:"start"`
	End            string `json:"end"`
	SpecialistID   string `json:"specialistId"`
	SpecialistName string `json:"specialistName"`
}

// prescriptionResponse is an e-prescription written at the visit; its
// document is in the patient's registry.
type prescriptionResponse struct {
	DocumentID string `json:"documentId"`
	Drug       string `json:"drug"`
	Dose       string `json:"dose,omitempty"`
	Until      string `json:"until"`
}

// referralResponse is a referral written at the visit: POST /bookings with
// its id books the specialization it names.
type referralResponse struct {
	ID             string `json:"id"`
	Specialization string `json:"specialization"`
	Until          string `json:"until"`
}

// patientResponse is the dependent a booking is for.
type patientResponse struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type bookingResponse struct {
	ID                 string                 `json:"id"`
	Patient            *patientResponse       `json:"patient,omitempty"`
	ConfirmationNumber string                 `json:"confirmationNumber"`
	Status             string                 `json:"status"`
	Start              string                 `json:"start"`
	End                string                 `json:"end"`
	Date               string                 `json:"date"`
	TimeZone           string                 `json:"timeZone"`
	Institution        map[string]string      `json:"institution"`
	Specialist         map[string]string      `json:"specialist"`
	Mode               string                 `json:"mode"`
	VideoLink          string                 `json:"videoLink,omitempty"`
	VideoOpensAt       string                 `json:"videoOpensAt,omitempty"`
	ContactPhone       string                 `json:"contactPhone,omitempty"`
	Checklist          []string               `json:"checklist"`
	CancelDeadline     string                 `json:"cancelDeadline"`
	StaffComment       string                 `json:"staffComment,omitempty"`
	Act                string                 `json:"act,omitempty"`
	ActDocumentID      string                 `json:"actDocumentId,omitempty"`
	Prescriptions      []prescriptionResponse `json:"prescriptions,omitempty"`
	Referrals          []referralResponse     `json:"referrals,omitempty"`
	ReferralID         string                 `json:"referralId,omitempty"`
	CancelledBy        string                 `json:"cancelledBy,omitempty"`
	OfferedSlots       []offeredSlotResponse  `json:"offeredSlots,omitempty"`
	History            []bookingEventResponse `json:"history"`
	Links              map[string]string      `json:"links"`
}

// view resolves a booking's institution and specialist for display.
func (d Deps) view(r *http.Request, b booking.Booking) (bookingResponse, ticket.Booking) {
	loc, err := civil.Zone(b.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	var inst directory.Institution
	var spec directory.Specialist
	if idx, err := d.Directory.Index(r.Context()); err == nil {
		inst, _ = idx.Institution(b.InstitutionID)
		spec, _ = idx.Specialist(b.SpecialistID)
	}
	ts := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	checklist := booking.ChecklistText(b.Checklist, httpapi.ReaderLanguage(r))
	out := bookingResponse{ID: b.ID, ConfirmationNumber: b.ConfirmationNumber, Status: string(b.Status),
		Start: ts(b.Start), End: ts(b.End), Date: b.Day().String(), TimeZone: b.TimeZone,
		Institution: map[string]string{"id": b.InstitutionID, "name": inst.Name, "address": inst.Address},
		Specialist:  map[string]string{"id": b.SpecialistID, "name": spec.Name, "specialization": spec.Specialization},
		Mode:        string(b.Mode), VideoLink: b.JoinLink(d.Service.Now()), ContactPhone: b.ContactPhone, Checklist: checklist,
		CancelDeadline: ts(b.CancelDeadline), StaffComment: b.StaffComment, CancelledBy: b.CancelledBy, History: []bookingEventResponse{},
		Links: map[string]string{"qr": "/bookings/" + b.ID + "/qr.png", "pdf": "/bookings/" + b.ID + "/confirmation.pdf",
			"ics": "/bookings/" + b.ID + "/calendar.ics"}}
	if b.Mode == booking.Video {
		out.VideoOpensAt = ts(b.VideoOpensAt())
	}
	out.Act, out.ActDocumentID, out.ReferralID = b.Act, b.ActDocumentID, b.ReferralID
	for _, p := range b.Prescriptions {
		out.Prescriptions = append(out.Prescriptions, prescriptionResponse{DocumentID: p.DocumentID, Drug: p.Drug, Dose: p.Dose, Until: p.Until.String()})
	}
	for _, rf := range b.Referrals {
		out.Referrals = append(out.Referrals, referralResponse{ID: rf.ID, Specialization: rf.Specialization, Until: rf.Until.String()})
	}
	if b.Patient != "" {
		out.Patient = &patientResponse{ID: b.Patient, Name: b.PatientName}
	}
	for _, o := range b.Offers {
		var name string
		if idx, err := d.Directory.Index(r.Context()); err == nil {
			if sp, err := idx.Specialist(o.SpecialistID); err == nil {
				name = sp.Name
			}
		}
		out.OfferedSlots = append(out.OfferedSlots, offeredSlotResponse{ID: o.ID(), Start: ts(o.Start), End: ts(o.End),
			SpecialistID: o.SpecialistID, SpecialistName: name})
	}
	for _, e := range b.Events {
		ev := bookingEventResponse{Action: e.Action, Actor: e.Actor, At: e.At.UTC().Format(time.RFC3339), Reason: e.Reason}
		if e.From != nil {
			f := ts(*e.From)
			ev.From = &f
		}
		if e.To != nil {
			t := ts(*e.To)
			ev.To = &t
		}
		out.History = append(out.History, ev)
	}
	tb := ticket.Booking{ID: b.ID, ConfirmationNumber: b.ConfirmationNumber, Status: string(b.Status), Start: b.Start,
		End: b.End, TimeZone: b.TimeZone, Institution: inst.Name, Address: inst.Address, Specialist: spec.Name,
		Specialization: spec.Specialization, Mode: string(b.Mode), VideoLink: out.VideoLink, Checklist: checklist,
		CancelDeadline: b.CancelDeadline, StaffComment: b.StaffComment}
	return out, tb
}

func (d Deps) write(w http.ResponseWriter, r *http.Request, status int, b booking.Booking) {
	v, _ := d.view(r, b)
	httpapi.Encode(w, status, v)
}

// handleBook books a slot; Idempotency-Key makes retries safe.
func handleBook(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in booking.BookInput
		body, err := httpapi.Decode(w, r, &in)
		if err != nil {
			return err
		}
		idem, err := httpapi.IdempotencyKey(r, body, d.Service.Now())
		if err != nil {
			return err
		}
		b, replayed, err := d.Service.Book(r.Context(), id.Sub, in, idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		} else {
			httpapi.Count(r.Context(), metrics.BookingsMade)
		}
		w.Header().Set("Location", "/bookings/"+b.ID)
		d.write(w, r, http.StatusCreated, b)
		return nil
	})
}

// handleGetBooking returns one of the caller's bookings with its record.
func handleGetBooking(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		b, err := d.Service.Get(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		d.write(w, r, http.StatusOK, b)
		return nil
	})
}

// handleReschedule moves a booking to another slot of the same specialist.
func handleReschedule(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			SlotID string `json:"slotId"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		b, err := d.Service.Reschedule(r.Context(), id.Sub, r.PathValue("id"), in.SlotID)
		if err != nil {
			return err
		}
		d.write(w, r, http.StatusOK, b)
		return nil
	})
}

// handleCancel cancels a booking and frees its slot.
func handleCancel(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			Reason string `json:"reason"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		b, err := d.Service.Cancel(r.Context(), id.Sub, r.PathValue("id"), in.Reason)
		if err != nil {
			return err
		}
		httpapi.Count(r.Context(), metrics.BookingsCancelled)
		d.write(w, r, http.StatusOK, b)
		return nil
	})
}

// handleRebook books a slot in place of a booking its institution cancelled.
func handleRebook(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			SlotID string `json:"slotId"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		b, replayed, err := d.Service.Rebook(r.Context(), id.Sub, r.PathValue("id"), in.SlotID)
		if err != nil {
			return err
		}
		status := http.StatusCreated
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
			status = http.StatusOK
		}
		w.Header().Set("Location", "/bookings/"+b.ID)
		d.write(w, r, status, b)
		return nil
	})
}
