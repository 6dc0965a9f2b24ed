package booking

import (
	"bytes"
	"net/http"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

func journalFilter(r *http.Request) booking.JournalFilter {
	q := r.URL.Query()
	return booking.JournalFilter{Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"), Institution: q.Get("institution"),
		Patient: q.Get("patient")}
}

// handleJournal lists the caller's bookings, a page at a time: the visit
// journal. The CSV export (handleJournalCSV) has all of them.
func handleJournal(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var fe errs.Fields
		limit := httpapi.QueryInt(r, "limit", &fe)
		if err := fe.ErrKind("httpapi.journal", errs.Malformed); err != nil {
			return err
		}
		page, err := d.Service.JournalPage(r.Context(), id.Sub, journalFilter(r), limit, r.URL.Query().Get("cursor"))
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[bookingResponse]{Items: []bookingResponse{}, NextCursor: httpapi.NextCursor(r, page.NextCursor)}
		for _, b := range page.Items {
			v, _ := d.view(r, b)
			out.Items = append(out.Items, v)
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleJournalCSV exports the journal as CSV (UTF-8 with BOM).
func handleJournalCSV(d Deps) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		list, err := d.Service.Journal(r.Context(), id.Sub, journalFilter(r))
		if err != nil {
			return err
		}
		rows := make([]ticket.Booking, len(list))
		for i, b := range list {
			_, rows[i] = d.view(r, b)
		}
		var buf bytes.Buffer
		if err := ticket.CSV(&buf, rows, httpapi.ReaderLanguage(r)); err != nil {
			return errs.E("httpapi.journalCSV", errs.Internal, err)
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="bookings.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
		return nil
	})
}
