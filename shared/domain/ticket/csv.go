package ticket

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kabinet/kabinet/shared/domain/csvsafe"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// bom is the UTF-8 byte order mark. Excel reads a CSV without it in the
// system's ANSI code page and turns Cyrillic into mojibake.
const bom = "\xEF\xBB\xBF"

// CSV writes the visit journal staff download and open in Excel: a BOM, a
// header row in lang ("ru" or "en", see wordsFor), then one row per booking
// in the given order with its date, time range and zone in the booking's own
// institution zone, the institution, specialist, specialization, format,
// status (localised), confirmation number and the staff comment. Records end
// in CRLF (RFC 4180) and encoding/csv quotes commas, quotes and line breaks.
//
// Every cell is guarded against formula injection (csvsafe.Cell): a piece
// that starts with '=', '+', '-', '@', a tab or a carriage return at the
// start of the cell or after any separator a spreadsheet may split on
// (",", ";" as Excel in ru-RU does, tab, "|", line breaks) — which it would
// run as a formula, a person having typed it into a comment or a name —
// gets an apostrophe so it shows as text.
//
// All rows are checked before anything is written. Errors: Invalid (fields
// named "rows[i].time_zone" and the like) for a row without a start or valid
// zone, or with an end not after its start; the writer's error, as Internal,
// when writing fails.
func CSV(w io.Writer, rows []Booking, lang string) error {
	const op = "ticket.CSV"
	words := wordsFor(lang)
	locs := make([]*time.Location, len(rows))
	var f errs.Fields
	for i, b := range rows {
		loc, err := check(op, b, 0, fmt.Sprintf("rows[%d].", i))
		if err != nil {
			var e *errs.Error
			if errors.As(err, &e) {
				for _, fe := range e.Fields {
					f.Add(fe.Field, fe.Code)
				}
			}
			continue
		}
		locs[i] = loc
	}
	if err := f.Err(op); err != nil {
		return err
	}

	if _, err := io.WriteString(w, bom); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(words.csvHeader); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	for i, b := range rows {
		loc := locs[i]
		start := b.Start.In(loc)
		span := start.Format("15:04")
		if !b.End.IsZero() {
			end := b.End.In(loc)
			if sameDay(start, end) {
				span += "–" + end.Format("15:04")
			} else {
				span += "–" + end.Format(words.dateLayout+" 15:04")
			}
		}
		rec := []string{
			start.Format(words.dateLayout),
			span,
			words.zone(start, loc),
			b.Institution,
			b.Specialist,
			b.Specialization,
			words.modeText(b.Mode),
			words.statusText(b.Status),
			b.ConfirmationNumber,
			b.StaffComment,
		}
		for j := range rec {
			rec[j] = csvsafe.Cell(rec[j])
		}
		if err := cw.Write(rec); err != nil {
			return errs.E(op, errs.Internal, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	return nil
}
