package booking

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

type slotResponse struct {
	ID              string `json:"id"`
	Start           string `json:"start"`
	End             string `json:"end"`
	DurationMinutes int    `json:"durationMinutes"`
}

// handleSlots lists a specialist's free slots in the institution's zone.
func handleSlots(d Deps) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var fe errs.Fields
		q := r.URL.Query()
		sq := booking.SlotQuery{From: q.Get("from"), To: q.Get("to"), PartOfDay: q.Get("partOfDay")}
		if q.Get("minDuration") != "" {
			sq.MinDuration = httpapi.QueryInt(r, "minDuration", &fe)
		}
		if err := fe.ErrKind("httpapi.slots", errs.Malformed); err != nil {
			return err
		}
		page, err := d.Service.FreeSlots(r.Context(), r.PathValue("id"), sq)
		if err != nil {
			return err
		}
		loc, _ := civil.Zone(page.TimeZone)
		out := struct {
			TimeZone string         `json:"timeZone"`
			Items    []slotResponse `json:"items"`
		}{TimeZone: page.TimeZone, Items: []slotResponse{}}
		for _, s := range page.Items {
			out.Items = append(out.Items, slotResponse{ID: s.ID(), Start: s.Start.In(loc).Format(time.RFC3339),
				End: s.End.In(loc).Format(time.RFC3339), DurationMinutes: int(s.End.Sub(s.Start).Minutes())})
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}
