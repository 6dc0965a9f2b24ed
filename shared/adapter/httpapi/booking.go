package httpapi

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

// BookingDeps are what the electronic registry's handlers need.
type BookingDeps struct {
	Service   *booking.Service
	Directory *directory.Cache
	Signer    ticket.Signer
}

func staffOf(id Identity) booking.Staff {
	return booking.Staff{Sub: id.Sub, IsStaff: id.InGroup("staff"), Institution: id.Institution}
}

type institutionResponse struct {
	ID                    string          `json:"id"`
	Name                  string          `json:"name"`
	Type                  string          `json:"type"`
	INN                   string          `json:"inn"`
	Address               string          `json:"address"`
	City                  string          `json:"city"`
	Phone                 string          `json:"phone"`
	TimeZone              string          `json:"timeZone"`
	Location              map[string]any  `json:"location"`
	Hours                 []hoursResponse `json:"openingHours"`
	Licence               licenceResponse `json:"licence"`
	CancelDeadlineMinutes int             `json:"cancelDeadlineMinutes"`
	DistanceKm            *float64        `json:"distanceKm,omitempty"`
}

type hoursResponse struct {
	Weekday string `json:"weekday"` // "monday" ...
	Open    string `json:"open"`
	Close   string `json:"close"`
}

type licenceResponse struct {
	Number     string  `json:"number,omitempty"`
	Status     string  `json:"status,omitempty"`
	ValidUntil *string `json:"validUntil"` // null: indefinite
}

func toInstitution(in directory.Institution, dist *float64) institutionResponse {
	d := in.CancelDeadline
	if d == 0 {
		d = booking.DefaultCancelDeadline
	}
	out := institutionResponse{ID: in.ID, Name: in.Name, Type: in.Type, INN: in.INN, Address: in.Address, City: in.City,
		Phone: in.Phone, TimeZone: in.TimeZone, Location: map[string]any{"lat": in.Lat, "lon": in.Lon},
		Hours: []hoursResponse{}, Licence: licenceResponse{Number: in.Licence.Number, Status: in.Licence.Status},
		CancelDeadlineMinutes: int(d.Minutes()), DistanceKm: dist}
	for _, h := range in.Hours {
		out.Hours = append(out.Hours, hoursResponse{Weekday: strings.ToLower(h.Weekday.String()), Open: h.Open, Close: h.Close})
	}
	if in.Licence.ValidUntil != nil {
		v := in.Licence.ValidUntil.String()
		out.Licence.ValidUntil = &v
	}
	return out
}

type specialistResponse struct {
	ID             string   `json:"id"`
	InstitutionID  string   `json:"institutionId"`
	Name           string   `json:"name"`
	Specialization string   `json:"specialization"`
	Rating         float64  `json:"rating"`
	Reviews        int      `json:"reviews"`
	Certificates   []string `json:"certificates"`
	Price          int      `json:"price"`
	Modes          []string `json:"modes"`
}

func toSpecialist(s directory.Specialist) specialistResponse {
	return specialistResponse{ID: s.ID, InstitutionID: s.InstitutionID, Name: s.Name, Specialization: s.Specialization,
		Rating: s.Rating, Reviews: s.Reviews, Certificates: s.Certificates, Price: s.Price, Modes: s.Modes}
}

// handleSearchInstitutions searches the directory in memory.
func handleSearchInstitutions(d BookingDeps) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var fe errs.Fields
		q := r.URL.Query()
		query := directory.Query{Text: q.Get("q"), Type: q.Get("type"), INN: q.Get("inn"),
			Limit: queryInt(r, "limit", &fe), Cursor: q.Get("cursor")}
		if near := q.Get("near"); near != "" {
			lat, lon, ok := strings.Cut(near, ",")
			la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
			lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
			if !ok || err1 != nil || err2 != nil {
				fe.Add("near", "invalid_point")
			} else {
				query.Near = &directory.Point{Lat: la, Lon: lo}
			}
		}
		if rk := q.Get("radiusKm"); rk != "" {
			v, err := strconv.ParseFloat(rk, 64)
			if err != nil {
				fe.Add("radiusKm", "not_number")
			}
			query.RadiusKm = v
		}
		if err := fe.ErrKind("httpapi.searchInstitutions", errs.Malformed); err != nil {
			return err
		}
		idx, err := d.Directory.Index(r.Context())
		if err != nil {
			return err
		}
		page, err := idx.Search(query)
		if err != nil {
			return err
		}
		out := listResponse[institutionResponse]{Items: []institutionResponse{}, NextCursor: page.NextCursor}
		for _, res := range page.Items {
			out.Items = append(out.Items, toInstitution(res.Institution, res.DistanceKm))
		}
		encode(w, http.StatusOK, out)
		return nil
	})
}

// handleGetInstitution returns one institution.
func handleGetInstitution(d BookingDeps) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		idx, err := d.Directory.Index(r.Context())
		if err != nil {
			return err
		}
		in, err := idx.Institution(r.PathValue("id"))
		if err != nil {
			return err
		}
		encode(w, http.StatusOK, toInstitution(in, nil))
		return nil
	})
}

// handleInstitutionSpecialists lists an institution's specialists.
func handleInstitutionSpecialists(d BookingDeps) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		idx, err := d.Directory.Index(r.Context())
		if err != nil {
			return err
		}
		list, err := idx.Specialists(r.PathValue("id"), r.URL.Query().Get("specialization"))
		if err != nil {
			return err
		}
		out := listResponse[specialistResponse]{Items: []specialistResponse{}}
		for _, s := range list {
			out.Items = append(out.Items, toSpecialist(s))
		}
		encode(w, http.StatusOK, out)
		return nil
	})
}

// handleGetSpecialist returns one specialist.
func handleGetSpecialist(d BookingDeps) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		idx, err := d.Directory.Index(r.Context())
		if err != nil {
			return err
		}
		s, err := idx.Specialist(r.PathValue("id"))
		if err != nil {
			return err
		}
		encode(w, http.StatusOK, toSpecialist(s))
		return nil
	})
}

type slotResponse struct {
	ID              string `json:"id"`
	Start           string `json:"start"`
	End             string `json:"end"`
	DurationMinutes int    `json:"durationMinutes"`
}

// handleSlots lists a specialist's free slots in the institution's zone.
func handleSlots(d BookingDeps) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var fe errs.Fields
		q := r.URL.Query()
		sq := booking.SlotQuery{From: q.Get("from"), To: q.Get("to"), PartOfDay: q.Get("partOfDay")}
		if q.Get("minDuration") != "" {
			sq.MinDuration = queryInt(r, "minDuration", &fe)
		}
		if err := fe.ErrKind("httpapi.slots", errs.Malformed); err != nil {
			return err
		}
		page, err := d.Service.FreeSlots(r.Context(), r.PathValue("id"), sq)
		if err != nil {
			return err
		}
		loc, _ := time.LoadLocation(page.TimeZone)
		out := struct {
			TimeZone string         `json:"timeZone"`
			Items    []slotResponse `json:"items"`
		}{TimeZone: page.TimeZone, Items: []slotResponse{}}
		for _, s := range page.Items {
			out.Items = append(out.Items, slotResponse{ID: s.ID(), Start: s.Start.In(loc).Format(time.RFC3339),
				End: s.End.In(loc).Format(time.RFC3339), DurationMinutes: int(s.End.Sub(s.Start).Minutes())})
		}
		encode(w, http.StatusOK, out)
		return nil
	})
}

type bookingEventResponse struct {
	Action string  `json:"action"`
	Actor  string  `json:"actor"`
	At     string  `json:"at"`
	Reason string  `json:"reason,omitempty"`
	From   *string `json:"from,omitempty"`
	To     *string `json:"to,omitempty"`
}

type bookingResponse struct {
	ID                 string                 `json:"id"`
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
	ContactPhone       string                 `json:"contactPhone,omitempty"`
	Checklist          []string               `json:"checklist"`
	CancelDeadline     string                 `json:"cancelDeadline"`
	StaffComment       string                 `json:"staffComment,omitempty"`
	History            []bookingEventResponse `json:"history"`
	Links              map[string]string      `json:"links"`
}

// view resolves a booking's institution and specialist for display.
func (d BookingDeps) view(r *http.Request, b booking.Booking) (bookingResponse, ticket.Booking) {
	loc, err := time.LoadLocation(b.TimeZone)
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
	checklist := booking.ChecklistText(b.Checklist, Language(r))
	out := bookingResponse{ID: b.ID, ConfirmationNumber: b.ConfirmationNumber, Status: string(b.Status),
		Start: ts(b.Start), End: ts(b.End), Date: b.Day().String(), TimeZone: b.TimeZone,
		Institution: map[string]string{"id": b.InstitutionID, "name": inst.Name, "address": inst.Address},
		Specialist:  map[string]string{"id": b.SpecialistID, "name": spec.Name, "specialization": spec.Specialization},
		Mode:        string(b.Mode), VideoLink: b.VideoLink, ContactPhone: b.ContactPhone, Checklist: checklist,
		CancelDeadline: ts(b.CancelDeadline), StaffComment: b.StaffComment, History: []bookingEventResponse{},
		Links: map[string]string{"qr": "/bookings/" + b.ID + "/qr.png", "pdf": "/bookings/" + b.ID + "/confirmation.pdf",
			"ics": "/bookings/" + b.ID + "/calendar.ics"}}
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
		Specialization: spec.Specialization, Mode: string(b.Mode), VideoLink: b.VideoLink, Checklist: checklist,
		CancelDeadline: b.CancelDeadline, StaffComment: b.StaffComment}
	return out, tb
}

func (d BookingDeps) write(w http.ResponseWriter, r *http.Request, status int, b booking.Booking) {
	v, _ := d.view(r, b)
	encode(w, status, v)
}

// handleBook books a slot; Idempotency-Key makes retries safe.
func handleBook(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		var in booking.BookInput
		body, err := decode(w, r, &in)
		if err != nil {
			return err
		}
		idem, err := idempotencyKey(r, body, d.Service.Now())
		if err != nil {
			return err
		}
		b, replayed, err := d.Service.Book(r.Context(), id.Sub, in, idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", "/bookings/"+b.ID)
		d.write(w, r, http.StatusCreated, b)
		return nil
	})
}

func journalFilter(r *http.Request) booking.JournalFilter {
	q := r.URL.Query()
	return booking.JournalFilter{Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"), Institution: q.Get("institution")}
}

// handleJournal lists the caller's bookings, a page at a time: the visit
// journal. The CSV export (handleJournalCSV) has all of them.
func handleJournal(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		var fe errs.Fields
		limit := queryInt(r, "limit", &fe)
		if err := fe.ErrKind("httpapi.journal", errs.Malformed); err != nil {
			return err
		}
		page, err := d.Service.JournalPage(r.Context(), id.Sub, journalFilter(r), limit, r.URL.Query().Get("cursor"))
		if err != nil {
			return err
		}
		out := listResponse[bookingResponse]{Items: []bookingResponse{}, NextCursor: page.NextCursor}
		for _, b := range page.Items {
			v, _ := d.view(r, b)
			out.Items = append(out.Items, v)
		}
		encode(w, http.StatusOK, out)
		return nil
	})
}

// handleJournalCSV exports the journal as CSV (UTF-8 with BOM).
func handleJournalCSV(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		list, err := d.Service.Journal(r.Context(), id.Sub, journalFilter(r))
		if err != nil {
			return err
		}
		rows := make([]ticket.Booking, len(list))
		for i, b := range list {
			_, rows[i] = d.view(r, b)
		}
		var buf bytes.Buffer
		if err := ticket.CSV(&buf, rows, Language(r)); err != nil {
			return errs.E("httpapi.journalCSV", errs.Internal, err)
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="bookings.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
		return nil
	})
}

// handleGetBooking returns one of the caller's bookings with its record.
func handleGetBooking(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		b, err := d.Service.Get(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		d.write(w, r, http.StatusOK, b)
		return nil
	})
}

// handleBookingFile serves the QR code, the PDF confirmation or the calendar file.
func handleBookingFile(d BookingDeps, kind string) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		b, err := d.Service.Get(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		_, tb := d.view(r, b)
		if kind != "ics" && d.Signer.Key == nil {
			return errs.E("httpapi.bookingFile", errs.Internal, errors.New("ticket signing key not configured"))
		}
		var body []byte
		var ctype, name string
		qr := func() ([]byte, error) { return ticket.QRPNG(d.Signer.Payload(tb), 256) }
		switch kind {
		case "qr":
			body, err = qr()
			ctype, name = "image/png", "booking-"+b.ConfirmationNumber+".png"
		case "pdf":
			var png []byte
			if png, err = qr(); err == nil {
				body, err = ticket.PDF(tb, png, Language(r))
			}
			ctype, name = "application/pdf", "booking-"+b.ConfirmationNumber+".pdf"
		case "ics":
			body, err = ticket.ICS(tb, d.Service.Now(), Language(r))
			ctype, name = "text/calendar; charset=utf-8", "booking-"+b.ConfirmationNumber+".ics"
		}
		if err != nil {
			return errs.E("httpapi.bookingFile", errs.Internal, err)
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = w.Write(body)
		return nil
	})
}

// handleReschedule moves a booking to another slot of the same specialist.
func handleReschedule(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		var in struct {
			SlotID string `json:"slotId"`
		}
		if _, err := decode(w, r, &in); err != nil {
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
func handleCancel(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		var in struct {
			Reason string `json:"reason"`
		}
		if _, err := decode(w, r, &in); err != nil {
			return err
		}
		b, err := d.Service.Cancel(r.Context(), id.Sub, r.PathValue("id"), in.Reason)
		if err != nil {
			return err
		}
		d.write(w, r, http.StatusOK, b)
		return nil
	})
}

// handleSetSchedule lets staff set a specialist's schedule and generate slots.
func handleSetSchedule(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		var sc booking.Schedule
		if _, err := decode(w, r, &sc); err != nil {
			return err
		}
		res, err := d.Service.SetSchedule(r.Context(), staffOf(id), r.PathValue("id"), sc)
		if err != nil {
			return err
		}
		encode(w, http.StatusOK, res)
		return nil
	})
}

// handleSpecialistBookings lists a specialist's bookings on a date, for staff.
func handleSpecialistBookings(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		list, err := d.Service.DayBookings(r.Context(), staffOf(id), r.PathValue("id"), r.URL.Query().Get("date"))
		if err != nil {
			return err
		}
		out := listResponse[bookingResponse]{Items: []bookingResponse{}}
		for _, b := range list {
			v, _ := d.view(r, b)
			out.Items = append(out.Items, v)
		}
		encode(w, http.StatusOK, out)
		return nil
	})
}

// handleVisit records a visit's outcome, for staff.
func handleVisit(d BookingDeps) http.Handler {
	return authed(func(w http.ResponseWriter, r *http.Request, id Identity) error {
		var in struct {
			Outcome string `json:"outcome"`
			Comment string `json:"comment"`
		}
		if _, err := decode(w, r, &in); err != nil {
			return err
		}
		b, err := d.Service.RecordVisit(r.Context(), staffOf(id), r.PathValue("id"), in.Outcome, in.Comment)
		if err != nil {
			return err
		}
		d.write(w, r, http.StatusOK, b)
		return nil
	})
}
