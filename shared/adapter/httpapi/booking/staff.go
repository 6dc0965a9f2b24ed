package booking

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/booking"
)

// handleSetSchedule lets staff set a specialist's schedule and generate slots.
func handleSetSchedule(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var sc booking.Schedule
		if _, err := httpapi.Decode(w, r, &sc); err != nil {
			return err
		}
		res, err := d.Service.SetSchedule(r.Context(), staffOf(id), r.PathValue("id"), sc)
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, res)
		return nil
	})
}

// handleSpecialistBookings lists a specialist's bookings on a date, for staff.
func handleSpecialistBookings(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		list, err := d.Service.DayBookings(r.Context(), staffOf(id), r.PathValue("id"), r.URL.Query().Get("date"))
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[bookingResponse]{Items: []bookingResponse{}}
		for _, b := range list {
			v, _ := d.view(r, b)
			out.Items = append(out.Items, v)
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleVisit closes a visit (its outcome, the comment, the act, the
// prescriptions and referrals), for staff.
func handleVisit(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in booking.VisitInput
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		b, err := d.Service.RecordVisit(r.Context(), staffOf(id), r.PathValue("id"), in)
		if err != nil {
			return err
		}
		d.write(w, r, http.StatusOK, b)
		return nil
	})
}

type absenceResponse struct {
	ID           string `json:"id"`
	SpecialistID string `json:"specialistId"`
	From         string `json:"from"`
	To           string `json:"to"`
	Reason       string `json:"reason"`
	Status       string `json:"status"`
	Cancelled    int    `json:"cancelled"`
}

// handleDeclareAbsence lets staff declare a specialist absent: the
// bookings in the period are cancelled and their people told. 201 for a
// new absence, 200 for the same period again (finished if it had stopped).
func handleDeclareAbsence(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in booking.AbsenceInput
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		a, created, err := d.Service.DeclareAbsence(r.Context(), staffOf(id), r.PathValue("id"), in)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		httpapi.Encode(w, status, absenceResponse{ID: a.ID, SpecialistID: a.SpecialistID, From: a.From.Format(time.RFC3339),
			To: a.To.Format(time.RFC3339), Reason: a.Reason, Status: a.Status, Cancelled: a.Cancelled})
		return nil
	})
}
