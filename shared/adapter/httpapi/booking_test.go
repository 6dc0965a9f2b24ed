package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

// The electronic registry through HTTP, against DynamoDB Local, on the demo
// directory (directory.Demo). Unless a test says otherwise the clock stands
// at Monday 2026-06-15 06:00 UTC: 08:00 in Kaliningrad (UTC+2), 18:00 in
// Petropavlovsk-Kamchatsky (UTC+12).

var bookingMonday = time.Date(2026, 6, 15, 6, 0, 0, 0, time.UTC)

// Demo directory fixtures.
const (
	kgdPoly      = "inst-kgd-01"   // Kaliningrad polyclinic, cancel deadline 2h
	kgdHospital  = "inst-kgd-02"   // Kaliningrad hospital, cancel deadline 24h
	pkcPoly      = "inst-pkc-02"   // Kamchatka polyclinic, cancel deadline 2h
	kgdTherapist = "spec-kgd-01-1" // in person and video
	kgdPediatric = "spec-kgd-01-2" // in person and video
	kgdEyes      = "spec-kgd-02-3" // in person only
	pkcTherapist = "spec-pkc-02-1" // in person and video
	zoneKgd      = "Europe/Kaliningrad"
	zonePkc      = "Asia/Kamchatka"
)

var confirmationRE = regexp.MustCompile(`^KB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// local is a wall-clock time "2006-01-02 15:04" in zone.
func local(zone, wall string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", wall, mustZone(zone))
	if err != nil {
		panic(err)
	}
	return t
}

// kgd is a slot id of a Kaliningrad specialist at a local wall-clock time.
func kgd(spec, wall string) string { return booking.SlotID(spec, local(zoneKgd, wall)) }

// newBookingEnv is an env with the demo directory, its clock on Monday morning.
func newBookingEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.seedDirectory()
	e.clock.Set(bookingMonday)
	return e
}

// tokenFor signs a token for id at the current clock.
func (e *env) tokenFor(id httpapi.Identity) string {
	e.t.Helper()
	tok, err := e.issuer.Issue(id)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// staff is a token of a member of staff of inst.
func (e *env) staff(inst string) string {
	return e.tokenFor(httpapi.Identity{Sub: "staff@" + inst, Groups: []string{"staff"}, Institution: inst})
}

// weekdaysPlan is a schedule body: Monday to Friday from start to end.
func weekdaysPlan(start, end string, breaks []map[string]string, slotMinutes, maxPerDay, weeksAhead int) map[string]any {
	if breaks == nil {
		breaks = []map[string]string{}
	}
	var weekly []map[string]any
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		weekly = append(weekly, map[string]any{"weekday": d, "start": start, "end": end, "breaks": breaks})
	}
	return map[string]any{"slotMinutes": slotMinutes, "maxPerDay": maxPerDay, "weeksAhead": weeksAhead, "weekly": weekly}
}

// setSchedule sets spec's schedule as staff of inst and returns the result.
func (e *env) setSchedule(inst, spec string, plan map[string]any) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "PUT", path: "/specialists/" + spec + "/schedule", token: e.staff(inst), body: plan})
	if r.status != http.StatusOK {
		e.t.Fatalf("set schedule of %s: %d %s", spec, r.status, r.body)
	}
	return r.json(e.t)
}

type slotJSON struct {
	ID              string `json:"id"`
	Start           string `json:"start"`
	End             string `json:"end"`
	DurationMinutes int    `json:"durationMinutes"`
}

type slotsJSON struct {
	TimeZone string     `json:"timeZone"`
	Items    []slotJSON `json:"items"`
}

// freeSlots lists spec's free slots with the query (e.g. "from=...&to=...").
func (e *env) freeSlots(spec, query string) slotsJSON {
	e.t.Helper()
	r := e.do(req{method: "GET", path: "/specialists/" + spec + "/slots?" + query, token: e.token("browser")})
	if r.status != http.StatusOK {
		e.t.Fatalf("slots of %s?%s: %d %s", spec, query, r.status, r.body)
	}
	var out slotsJSON
	if err := json.Unmarshal(r.body, &out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// freeOn lists the ids of spec's free slots on a local date.
func (e *env) freeOn(spec, date string) []string {
	e.t.Helper()
	var ids []string
	for _, s := range e.freeSlots(spec, "from="+date+"&to="+date).Items {
		ids = append(ids, s.ID)
	}
	return ids
}

func bookBody(slotID, mode string) map[string]any {
	return map[string]any{"slotId": slotID, "mode": mode, "contactPhone": "+79161234567"}
}

// book posts a booking for sub.
func (e *env) book(sub, slotID string) resp {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/bookings", token: e.token(sub), body: bookBody(slotID, "in_person")})
}

// mustBook books a slot for sub and returns the booking.
func (e *env) mustBook(sub, slotID string) map[string]any {
	e.t.Helper()
	r := e.book(sub, slotID)
	if r.status != http.StatusCreated {
		e.t.Fatalf("book %s for %s: %d %s", slotID, sub, r.status, r.body)
	}
	return r.json(e.t)
}

// dayList is the staff day list of spec on a local date.
func (e *env) dayList(inst, spec, date string) []map[string]any {
	e.t.Helper()
	r := e.do(req{method: "GET", path: "/specialists/" + spec + "/bookings?date=" + date, token: e.staff(inst)})
	if r.status != http.StatusOK {
		e.t.Fatalf("day list of %s on %s: %d %s", spec, date, r.status, r.body)
	}
	return items(r.json(e.t))
}

func items(m map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := m["items"].([]any)
	for _, x := range list {
		out = append(out, x.(map[string]any))
	}
	return out
}

func idsOf(list []map[string]any) []string {
	out := []string{}
	for _, m := range list {
		out = append(out, m["id"].(string))
	}
	return out
}

// history lists the actions of a booking's record.
func history(b map[string]any) []map[string]any {
	var out []map[string]any
	for _, x := range b["history"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// assertType checks a problem+json answer and its type slug.
func assertType(t *testing.T, r resp, status int, slug string, fields ...string) {
	t.Helper()
	p := assertProblem(t, r, status, fields...)
	if slug != "" && p["type"] != httpapi.ProblemBase+slug {
		t.Errorf("type = %v, want %s%s", p["type"], httpapi.ProblemBase, slug)
	}
}

// rawItem reads one stored item; nil when absent.
func (e *env) rawItem(pk, sk string) map[string]types.AttributeValue {
	e.t.Helper()
	out, err := e.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(e.table),
		Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}},
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Item
}

// rawBooked is the "booked" counter of a stored item (a slot or a specialist's day).
func (e *env) rawBooked(pk, sk string) int {
	e.t.Helper()
	it := e.rawItem(pk, sk)
	if it == nil {
		return 0
	}
	n, ok := it["booked"].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	v, _ := strconv.Atoi(n.Value)
	return v
}

func slotItemSK(start time.Time) string { return "SLOT#" + start.UTC().Format("2006-01-02T15:04Z") }

// bookingItems counts the stored bookings of sub.
func (e *env) bookingItems(sub string) int {
	e.t.Helper()
	n := 0
	for _, it := range e.rawItems(sub) {
		if sk, ok := it["sk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, "BOOK#") {
			n++
		}
	}
	return n
}

// send is do for other goroutines: it reports transport errors instead of
// failing the test.
func (e *env) send(r req) (resp, error) {
	var body io.Reader
	if r.body != nil {
		j, err := json.Marshal(r.body)
		if err != nil {
			return resp{}, err
		}
		body = bytes.NewReader(j)
	}
	hr, err := http.NewRequest(r.method, e.srv.URL+r.path, body)
	if err != nil {
		return resp{}, err
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		return resp{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}, err
}

// sendAll sends every request at once and returns the answers in order.
func (e *env) sendAll(reqs []req) []resp {
	e.t.Helper()
	out := make([]resp, len(reqs))
	errs := make([]error, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i], errs[i] = e.send(r)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			e.t.Fatalf("request %d: %v", i, err)
		}
	}
	return out
}

// outcomes counts answers by status and problem type ("201", "409 slot-taken").
func outcomes(rs []resp) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		k := strconv.Itoa(r.status)
		if r.status >= 400 {
			var p struct{ Type string }
			_ = json.Unmarshal(r.body, &p)
			k += " " + strings.TrimPrefix(p.Type, httpapi.ProblemBase)
		}
		out[k]++
	}
	return out
}

func TestBookingFlow(t *testing.T) {
	e := newBookingEnv(t)
	spec := kgdTherapist

	// GIVEN staff of the Kaliningrad polyclinic set weekdays 09:00–13:00
	// with a break 11:00–11:30 and 30-minute slots, for one week
	res := e.setSchedule(kgdPoly, spec, weekdaysPlan("09:00", "13:00", []map[string]string{{"start": "11:00", "end": "11:30"}}, 30, 10, 1))
	if res["created"] != 35.0 || res["removed"] != 0.0 || res["kept"] != 0.0 {
		t.Errorf("schedule result = %v, want 35 slots created (Mon–Fri × 7)", res)
	}
	alice := e.token("alice")

	t.Run("free slots are local to the institution and skip the break", func(t *testing.T) {
		page := e.freeSlots(spec, "from=2026-06-16&to=2026-06-16")
		if page.TimeZone != zoneKgd {
			t.Errorf("timeZone = %q", page.TimeZone)
		}
		var starts []string
		for _, s := range page.Items {
			starts = append(starts, s.Start)
			if !strings.HasSuffix(s.Start, "+02:00") || !strings.HasSuffix(s.End, "+02:00") || s.DurationMinutes != 30 {
				t.Errorf("slot %+v: want +02:00 offsets and 30 minutes", s)
			}
		}
		want := []string{"2026-06-16T09:00:00+02:00", "2026-06-16T09:30:00+02:00", "2026-06-16T10:00:00+02:00",
			"2026-06-16T10:30:00+02:00", "2026-06-16T11:30:00+02:00", "2026-06-16T12:00:00+02:00", "2026-06-16T12:30:00+02:00"}
		if !reflect.DeepEqual(starts, want) {
			t.Errorf("starts = %v, want %v", starts, want)
		}
		for part, want := range map[string]int{"morning": 5, "afternoon": 2, "evening": 0} {
			if got := e.freeSlots(spec, "from=2026-06-16&to=2026-06-16&partOfDay="+part).Items; len(got) != want {
				t.Errorf("%s slots = %v, want %d", part, got, want)
			}
		}
	})

	slot := kgd(spec, "2026-06-16 10:00")
	body := bookBody(slot, "in_person")
	idem := map[string]string{"Idempotency-Key": "flow-booking-1"}
	r := e.do(req{method: "POST", path: "/bookings", token: alice, body: body, header: idem})
	if r.status != http.StatusCreated {
		t.Fatalf("book: %d %s", r.status, r.body)
	}
	b := r.json(t)
	id, _ := b["id"].(string)
	conf, _ := b["confirmationNumber"].(string)

	t.Run("the booking is confirmed with its deadline and checklist", func(t *testing.T) {
		if loc := r.header.Get("Location"); loc != "/bookings/"+id || id == "" {
			t.Errorf("Location = %q, id %q", loc, id)
		}
		if r.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("first request marked as replayed")
		}
		if !confirmationRE.MatchString(conf) {
			t.Errorf("confirmationNumber = %q, want KB-XXXX-XXXX", conf)
		}
		for k, want := range map[string]any{"status": "confirmed", "start": "2026-06-16T10:00:00+02:00", "end": "2026-06-16T10:30:00+02:00",
			"date": "2026-06-16", "timeZone": zoneKgd, "cancelDeadline": "2026-06-16T08:00:00+02:00", "mode": "in_person",
			"contactPhone": "+79161234567"} {
			if b[k] != want {
				t.Errorf("%s = %v, want %v", k, b[k], want)
			}
		}
		if inst := b["institution"].(map[string]any); inst["id"] != kgdPoly || inst["name"] == "" {
			t.Errorf("institution = %v", inst)
		}
		if sp := b["specialist"].(map[string]any); sp["id"] != spec || sp["name"] == "" {
			t.Errorf("specialist = %v", sp)
		}
		// The request named no language and alice has saved no profile:
		// the checklist is in the default language, Russian.
		if cl := fmt.Sprint(b["checklist"]); cl != "[Паспорт Полис ОМС СНИЛС]" {
			t.Errorf("checklist = %s, want a polyclinic's in Russian", cl)
		}
		en := e.do(req{method: "GET", path: "/bookings/" + id, token: e.token("alice"), header: map[string]string{"Accept-Language": "en"}})
		if cl := fmt.Sprint(en.json(t)["checklist"]); cl != "[Passport OMS policy SNILS]" {
			t.Errorf("checklist in English = %s", cl)
		}
		if h := history(b); len(h) != 1 || h[0]["action"] != "booked" || h[0]["actor"] != "alice" {
			t.Errorf("history = %v", h)
		}
		if _, ok := b["videoLink"]; ok {
			t.Errorf("an in-person booking has a video link: %v", b["videoLink"])
		}
	})

	t.Run("the slot is no longer free", func(t *testing.T) {
		if free := e.freeOn(spec, "2026-06-16"); slices.Contains(free, slot) || len(free) != 6 {
			t.Errorf("free slots on 2026-06-16 = %v, want 6 without %s", free, slot)
		}
		assertType(t, e.book("bob", slot), http.StatusConflict, "slot-taken")
	})

	t.Run("get", func(t *testing.T) {
		r := e.do(req{method: "GET", path: "/bookings/" + id, token: alice})
		if r.status != http.StatusOK {
			t.Fatalf("get: %d %s", r.status, r.body)
		}
		got := r.json(t)
		if got["confirmationNumber"] != conf || len(history(got)) != 1 || history(got)[0]["action"] != "booked" {
			t.Errorf("get = %v", got)
		}
	})

	t.Run("the QR code is signed and names the confirmation number", func(t *testing.T) {
		r := e.do(req{method: "GET", path: "/bookings/" + id + "/qr.png", token: alice})
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr: %d %q", r.status, r.header.Get("Content-Type"))
		}
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("qr.png is not a PNG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
			t.Errorf("qr.png is %v, want 256×256", b)
		}
		// Ed25519 signatures and QRPNG are deterministic, so the image must
		// be exactly the code of the payload signed for this booking. (The
		// ticket package's tests decode QRPNG's images; gozxing cannot be
		// built here: go.sum lacks golang.org/x/text, which it imports.)
		payload := ticket.Signer{Key: e.ticketKey}.Payload(ticket.Booking{ID: id, ConfirmationNumber: conf, Start: local(zoneKgd, "2026-06-16 10:00")})
		want, err := ticket.QRPNG(payload, 256)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(r.body, want) {
			t.Errorf("qr.png is not the code of %q", payload)
		}
		claim, err := ticket.Verifier{Key: e.ticketPub}.Verify(payload)
		if err != nil {
			t.Fatalf("payload %q does not verify: %v", payload, err)
		}
		if claim.ConfirmationNumber != conf || claim.BookingID != id || !claim.Start.Equal(local(zoneKgd, "2026-06-16 10:00")) {
			t.Errorf("claim = %+v, want %s %s at 10:00 Kaliningrad", claim, conf, id)
		}
	})

	t.Run("the PDF confirmation", func(t *testing.T) {
		var pdfs [][]byte
		for _, lang := range []string{"ru", "en"} {
			r := e.do(req{method: "GET", path: "/bookings/" + id + "/confirmation.pdf", token: alice, header: map[string]string{"Accept-Language": lang}})
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
				t.Fatalf("pdf (%s): %d %q %.20q", lang, r.status, r.header.Get("Content-Type"), r.body)
			}
			pdfs = append(pdfs, r.body)
		}
		if bytes.Equal(pdfs[0], pdfs[1]) {
			t.Errorf("the Russian and English PDFs are the same")
		}
	})

	t.Run("the calendar file is in the institution's zone", func(t *testing.T) {
		r := e.do(req{method: "GET", path: "/bookings/" + id + "/calendar.ics", token: alice})
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("ics: %d %q", r.status, r.header.Get("Content-Type"))
		}
		for _, want := range []string{"TZID:Europe/Kaliningrad", "DTSTART;TZID=Europe/Kaliningrad:20260616T100000",
			"DTEND;TZID=Europe/Kaliningrad:20260616T103000", "STATUS:CONFIRMED"} {
			if !strings.Contains(string(r.body), want+"\r\n") {
				t.Errorf("calendar file lacks %q:\n%s", want, r.body)
			}
		}
	})

	t.Run("the journal and its CSV export", func(t *testing.T) {
		r := e.do(req{method: "GET", path: "/bookings?status=upcoming", token: alice})
		if r.status != http.StatusOK || !reflect.DeepEqual(idsOf(items(r.json(t))), []string{id}) {
			t.Errorf("upcoming: %d %s", r.status, r.body)
		}
		r = e.do(req{method: "GET", path: "/bookings?status=cancelled", token: alice})
		if r.status != http.StatusOK || len(items(r.json(t))) != 0 {
			t.Errorf("cancelled: %d %s", r.status, r.body)
		}
		r = e.do(req{method: "GET", path: "/bookings/export.csv", token: alice})
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		if !bytes.HasPrefix(r.body, []byte("\xEF\xBB\xBF")) {
			t.Errorf("CSV does not start with the UTF-8 BOM: %.20q", r.body)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil {
			t.Fatalf("CSV does not parse: %v\n%s", err, r.body)
		}
		if len(rows) != 2 || !slices.Contains(rows[1], conf) {
			t.Errorf("CSV rows = %q, want a header and one row with %s", rows, conf)
		}
	})

	newSlot := kgd(spec, "2026-06-17 12:00")
	t.Run("reschedule", func(t *testing.T) {
		r := e.do(req{method: "POST", path: "/bookings/" + id + "/reschedule", token: alice, body: map[string]any{"slotId": newSlot}})
		if r.status != http.StatusOK {
			t.Fatalf("reschedule: %d %s", r.status, r.body)
		}
		got := r.json(t)
		for k, want := range map[string]any{"id": id, "confirmationNumber": conf, "status": "confirmed",
			"start": "2026-06-17T12:00:00+02:00", "date": "2026-06-17", "cancelDeadline": "2026-06-17T10:00:00+02:00"} {
			if got[k] != want {
				t.Errorf("%s = %v, want %v", k, got[k], want)
			}
		}
		h := history(got)
		if len(h) != 2 || h[1]["action"] != "rescheduled" || h[1]["from"] != "2026-06-16T10:00:00+02:00" || h[1]["to"] != "2026-06-17T12:00:00+02:00" {
			t.Errorf("history = %v", h)
		}
		if !slices.Contains(e.freeOn(spec, "2026-06-16"), slot) {
			t.Errorf("the old slot is not free again")
		}
		if slices.Contains(e.freeOn(spec, "2026-06-17"), newSlot) {
			t.Errorf("the new slot is still free")
		}
		if l := e.dayList(kgdPoly, spec, "2026-06-16"); len(l) != 0 {
			t.Errorf("day list of 2026-06-16 = %v, want empty", idsOf(l))
		}
		if l := e.dayList(kgdPoly, spec, "2026-06-17"); !reflect.DeepEqual(idsOf(l), []string{id}) {
			t.Errorf("day list of 2026-06-17 = %v, want [%s]", idsOf(l), id)
		}
		// the day moved: alice may book this specialist on the old day again
		other := e.book("alice", kgd(spec, "2026-06-16 12:00"))
		if other.status != http.StatusCreated {
			t.Errorf("booking the old day after moving off it: %d %s", other.status, other.body)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		r := e.do(req{method: "POST", path: "/bookings/" + id + "/cancel", token: alice, body: map[string]any{"reason": "Планы изменились"}})
		if r.status != http.StatusOK {
			t.Fatalf("cancel: %d %s", r.status, r.body)
		}
		got := r.json(t)
		h := history(got)
		if got["status"] != "cancelled" || len(h) != 3 || h[2]["action"] != "cancelled" || h[2]["reason"] != "Планы изменились" {
			t.Errorf("cancelled booking = %v", got)
		}
		if !slices.Contains(e.freeOn(spec, "2026-06-17"), newSlot) {
			t.Errorf("the slot is not free after cancelling")
		}
		r = e.do(req{method: "GET", path: "/bookings?status=cancelled", token: alice})
		if !reflect.DeepEqual(idsOf(items(r.json(t))), []string{id}) {
			t.Errorf("cancelled journal: %s", r.body)
		}
		r = e.do(req{method: "GET", path: "/bookings/" + id + "/calendar.ics", token: alice})
		if !strings.Contains(string(r.body), "STATUS:CANCELLED") {
			t.Errorf("calendar file of a cancelled booking:\n%s", r.body)
		}
		assertType(t, e.do(req{method: "POST", path: "/bookings/" + id + "/cancel", token: alice, body: map[string]any{"reason": "again"}}),
			http.StatusConflict, "not-active")
		assertType(t, e.do(req{method: "POST", path: "/bookings/" + id + "/reschedule", token: alice, body: map[string]any{"slotId": slot}}),
			http.StatusConflict, "not-active")
		// the person's place that day is free again too
		if r := e.book("alice", kgd(spec, "2026-06-17 09:00")); r.status != http.StatusCreated {
			t.Errorf("booking the day of a cancelled booking: %d %s", r.status, r.body)
		}
	})
}

func TestBookingNoDoubleBooking(t *testing.T) {
	e := newBookingEnv(t)
	spec := kgdPediatric
	e.setSchedule(kgdPoly, spec, weekdaysPlan("09:00", "13:00", nil, 30, 200, 1))
	start := local(zoneKgd, "2026-06-16 09:00")
	slot := booking.SlotID(spec, start)

	const n = 100
	reqs := make([]req, n)
	for i := range reqs {
		reqs[i] = req{method: "POST", path: "/bookings", token: e.token(fmt.Sprintf("citizen-%03d", i)), body: bookBody(slot, "in_person")}
	}
	began := time.Now()
	rs := e.sendAll(reqs)
	t.Logf("%d concurrent bookings of one slot in %v: %v", n, time.Since(began).Round(time.Millisecond), outcomes(rs))
	e.retryUnavailable(reqs, rs)
	if got := outcomes(rs); !reflect.DeepEqual(got, map[string]int{"201": 1, "409 slot-taken": n - 1}) {
		t.Errorf("outcomes = %v, want one 201 and %d × 409 slot-taken", got, n-1)
		for _, r := range rs {
			if r.status != http.StatusCreated && r.status != http.StatusConflict {
				t.Logf("e.g. %d %s", r.status, r.body)
				break
			}
		}
	}
	for _, r := range rs {
		if r.status == http.StatusConflict {
			assertType(t, r, http.StatusConflict, "slot-taken")
			break
		}
	}

	if slices.Contains(e.freeOn(spec, "2026-06-16"), slot) {
		t.Errorf("the slot is still listed as free")
	}
	stored := 0
	for i := range n {
		stored += e.bookingItems(fmt.Sprintf("citizen-%03d", i))
	}
	if stored != 1 {
		t.Errorf("%d bookings stored for the slot, want 1", stored)
	}
	if l := e.dayList(kgdPoly, spec, "2026-06-16"); len(l) != 1 || l[0]["start"] != "2026-06-16T09:00:00+02:00" {
		t.Errorf("day list = %v, want the one booking", l)
	}
	if got := e.rawBooked("SPEC#"+spec, slotItemSK(start)); got != 1 {
		t.Errorf("slot booked = %d, want 1", got)
	}
	if got := e.rawBooked("SPEC#"+spec, "DAY#2026-06-16"); got != 1 {
		t.Errorf("specialist's day counts %d bookings, want 1", got)
	}
}

// retryUnavailable sends again, one at a time, each of reqs whose answer
// in rs is 503: a transaction that met another in flight answers 503 with
// Retry-After (DynamoDB's TransactionConflict; more of them when DynamoDB
// Local also keeps the table's stream, and under load), writing nothing,
// and a client tries again. Up to five rounds; rs then holds the answers
// the outcomes are counted from.
func (e *env) retryUnavailable(reqs []req, rs []resp) {
	for round := 0; round < 5; round++ {
		for i, r := range rs {
			if r.status == http.StatusServiceUnavailable {
				rs[i] = e.do(reqs[i])
			}
		}
	}
}

func TestBookingDailyLimit(t *testing.T) {
	e := newBookingEnv(t)
	spec := kgdTherapist
	// 09:00–17:00 in 30-minute slots: 16 a day, of which 5 may be booked
	e.setSchedule(kgdPoly, spec, weekdaysPlan("09:00", "17:00", nil, 30, 5, 1))
	free := e.freeOn(spec, "2026-06-16")
	if len(free) != 16 {
		t.Fatalf("%d free slots on 2026-06-16, want 16", len(free))
	}
	reqs := make([]req, len(free))
	for i, slot := range free {
		reqs[i] = req{method: "POST", path: "/bookings", token: e.token(fmt.Sprintf("citizen-%02d", i)), body: bookBody(slot, "in_person")}
	}
	rs := e.sendAll(reqs)
	e.retryUnavailable(reqs, rs)
	if got := outcomes(rs); !reflect.DeepEqual(got, map[string]int{"201": 5, "409 day-full": 11}) {
		t.Errorf("outcomes = %v, want 5 × 201 and 11 × 409 day-full", got)
	}
	stillFree := e.freeOn(spec, "2026-06-16")
	for i, r := range rs {
		if r.status == http.StatusCreated && slices.Contains(stillFree, free[i]) {
			t.Errorf("booked slot %s still listed as free", free[i])
		}
	}
	if l := e.dayList(kgdPoly, spec, "2026-06-16"); len(l) != 5 {
		t.Errorf("day list has %d bookings, want 5", len(l))
	}
	if got := e.rawBooked("SPEC#"+spec, "DAY#2026-06-16"); got != 5 {
		t.Errorf("specialist's day counts %d bookings, want 5", got)
	}
	// the limit is per day
	if r := e.book("citizen-99", kgd(spec, "2026-06-17 09:00")); r.status != http.StatusCreated {
		t.Errorf("booking the next day: %d %s", r.status, r.body)
	}
}

func TestBookingPersonLimits(t *testing.T) {
	e := newBookingEnv(t)
	s1, s2 := kgdTherapist, kgdPediatric
	for _, s := range []string{s1, s2} {
		e.setSchedule(kgdPoly, s, weekdaysPlan("09:00", "13:00", nil, 30, 10, 2))
	}
	booked := map[string]string{} // step name → booking id
	for _, step := range []struct {
		name, sub, action, target, slot string
		status                          int
		typ                             string
	}{
		{"first", "pat", "book", "", kgd(s1, "2026-06-16 09:00"), 201, ""},
		{"same specialist same day", "pat", "book", "", kgd(s1, "2026-06-16 10:00"), 409, "one-per-day"},
		{"another person may", "quinn", "book", "", kgd(s1, "2026-06-16 10:00"), 201, ""},
		{"another specialist same day", "pat", "book", "", kgd(s2, "2026-06-16 09:30"), 201, ""}, // not at the same time: TestNoOverlappingAppointmentsAnywhere
		{"third", "pat", "book", "", kgd(s1, "2026-06-17 09:00"), 201, ""},
		{"fourth", "pat", "book", "", kgd(s1, "2026-06-18 09:00"), 201, ""},
		{"fifth", "pat", "book", "", kgd(s1, "2026-06-19 09:00"), 201, ""},
		{"sixth upcoming", "pat", "book", "", kgd(s2, "2026-06-22 09:00"), 409, "too-many-bookings"},
		{"reschedule onto a day already booked with the specialist", "pat", "reschedule", "third", kgd(s1, "2026-06-18 10:00"), 409, "one-per-day"},
		{"cancel one", "pat", "cancel", "first", "", 200, ""},
		{"sixth after a cancel", "pat", "book", "", kgd(s2, "2026-06-22 09:00"), 201, ""},
	} {
		t.Run(step.name, func(t *testing.T) {
			before := e.rawItems(step.sub)
			var r resp
			switch step.action {
			case "book":
				r = e.book(step.sub, step.slot)
			case "reschedule":
				r = e.do(req{method: "POST", path: "/bookings/" + booked[step.target] + "/reschedule", token: e.token(step.sub), body: map[string]any{"slotId": step.slot}})
			case "cancel":
				r = e.do(req{method: "POST", path: "/bookings/" + booked[step.target] + "/cancel", token: e.token(step.sub), body: map[string]any{}})
			}
			if step.status >= 400 {
				assertType(t, r, step.status, step.typ)
				if after := e.rawItems(step.sub); !reflect.DeepEqual(before, after) {
					t.Errorf("a refused %s changed the stored items", step.action)
				}
				return
			}
			if r.status != step.status {
				t.Fatalf("status = %d, want %d: %s", r.status, step.status, r.body)
			}
			booked[step.name] = r.json(t)["id"].(string)
		})
	}
}

func TestBookingUpcomingLimitUnderConcurrency(t *testing.T) {
	e := newBookingEnv(t)
	for _, s := range []string{kgdTherapist, kgdPediatric} {
		e.setSchedule(kgdPoly, s, weekdaysPlan("09:00", "13:00", nil, 30, 10, 2))
	}
	// ten bookings of one person at once, each allowed on its own
	var reqs []req
	for _, d := range []string{"16", "17", "18", "19", "22"} {
		for i, s := range []string{kgdTherapist, kgdPediatric} {
			at := []string{" 09:00", " 10:00"}[i] // not overlapping: TestNoOverlappingAppointmentsAnywhere
			reqs = append(reqs, req{method: "POST", path: "/bookings", token: e.token("pat"), body: bookBody(kgd(s, "2026-06-"+d+at), "in_person")})
		}
	}
	rs := e.sendAll(reqs)
	e.retryUnavailable(reqs, rs)
	if got := outcomes(rs); !reflect.DeepEqual(got, map[string]int{"201": booking.MaxUpcoming, "409 too-many-bookings": len(reqs) - booking.MaxUpcoming}) {
		t.Errorf("outcomes = %v, want %d × 201 and the rest 409 too-many-bookings", got, booking.MaxUpcoming)
	}
	if n := e.bookingItems("pat"); n > booking.MaxUpcoming {
		t.Errorf("pat holds %d upcoming bookings, more than %d", n, booking.MaxUpcoming)
	}
}

func TestBookingScheduleChange(t *testing.T) {
	e := newBookingEnv(t)

	t.Run("exceptions", func(t *testing.T) {
		plan := weekdaysPlan("09:00", "13:00", nil, 30, 10, 1)
		plan["exceptions"] = []any{
			map[string]any{"date": "2026-06-17", "dayOff": true},
			map[string]any{"date": "2026-06-18", "start": "15:00", "end": "16:00", "breaks": []any{}},
		}
		e.setSchedule(kgdPoly, kgdTherapist, plan)
		if free := e.freeOn(kgdTherapist, "2026-06-17"); len(free) != 0 {
			t.Errorf("day off has slots %v", free)
		}
		want := []string{kgd(kgdTherapist, "2026-06-18 15:00"), kgd(kgdTherapist, "2026-06-18 15:30")}
		if free := e.freeOn(kgdTherapist, "2026-06-18"); !reflect.DeepEqual(free, want) {
			t.Errorf("slots on the changed day = %v, want %v", free, want)
		}
	})

	t.Run("a lowered daily limit applies to days already generated", func(t *testing.T) {
		e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
		e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "13:00", nil, 30, 2, 1))
		var got []int
		for i, hm := range []string{"09:00", "09:30", "10:00"} {
			got = append(got, e.book(fmt.Sprintf("limit-%d", i), kgd(kgdPediatric, "2026-06-16 "+hm)).status)
		}
		if !reflect.DeepEqual(got, []int{201, 201, 409}) {
			t.Errorf("three bookings on a day limited to 2: %v, want [201 201 409]", got)
		}
	})

	t.Run("a shorter schedule removes the free slots beyond it", func(t *testing.T) {
		spec := pkcTherapist
		e.setSchedule(pkcPoly, spec, weekdaysPlan("09:00", "13:00", nil, 30, 10, 2))
		res := e.setSchedule(pkcPoly, spec, weekdaysPlan("14:00", "15:00", nil, 30, 10, 1))
		if free := e.freeSlots(spec, "from=2026-06-22&to=2026-06-26").Items; len(free) != 0 {
			t.Errorf("result %v; the second week still offers %d slots of the old schedule, e.g. %s", res, len(free), free[0].Start)
		}
	})
}

func TestBookingDeadline(t *testing.T) {
	e := newBookingEnv(t)
	spec := kgdTherapist // the polyclinic: 2 hours
	e.setSchedule(kgdPoly, spec, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	for i, tc := range []struct {
		name   string
		before time.Duration // how long before the start the request comes
		action string
		status int
	}{
		{"reschedule 1h59m before", time.Hour + 59*time.Minute, "reschedule", 409},
		{"cancel 1h59m before", time.Hour + 59*time.Minute, "cancel", 409},
		{"cancel exactly 2h before", 2 * time.Hour, "cancel", 409},
		{"cancel 2h01m before", 2*time.Hour + time.Minute, "cancel", 200},
		{"reschedule 2h01m before", 2*time.Hour + time.Minute, "reschedule", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.Set(bookingMonday)
			sub := fmt.Sprintf("late-%d", i)
			start := local(zoneKgd, "2026-06-16 09:00").Add(time.Duration(i) * 30 * time.Minute) // 09:00, 09:30, ...
			b := e.mustBook(sub, booking.SlotID(spec, start))
			id := b["id"].(string)
			before := e.rawItems(sub)

			e.clock.Set(start.Add(-tc.before))
			tok := e.token(sub)
			var r resp
			if tc.action == "cancel" {
				r = e.do(req{method: "POST", path: "/bookings/" + id + "/cancel", token: tok, body: map[string]any{"reason": "late"}})
			} else {
				target := booking.SlotID(spec, local(zoneKgd, "2026-06-17 09:00").Add(time.Duration(i)*30*time.Minute))
				r = e.do(req{method: "POST", path: "/bookings/" + id + "/reschedule", token: tok, body: map[string]any{"slotId": target}})
			}
			if tc.status == http.StatusConflict {
				assertType(t, r, http.StatusConflict, "deadline-passed")
				if after := e.rawItems(sub); !reflect.DeepEqual(before, after) {
					t.Errorf("a refused %s changed the stored items", tc.action)
				}
				return
			}
			if r.status != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}
}

func TestBookingRefusesBadInput(t *testing.T) {
	e := newBookingEnv(t)
	s1, s2 := kgdTherapist, kgdPediatric
	e.setSchedule(kgdPoly, s1, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	e.setSchedule(kgdPoly, s2, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	e.setSchedule(kgdHospital, kgdEyes, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	id := e.mustBook("alice", kgd(s1, "2026-06-17 09:00"))["id"].(string)

	// Tuesday 10:30 in Kaliningrad: the morning's first slots are past
	e.clock.Set(local(zoneKgd, "2026-06-16 10:30"))
	alice, staff := e.token("alice"), e.staff(kgdPoly)
	aliceBefore := e.rawItems("alice")
	freeBefore := e.freeOn(s1, "2026-06-17")

	week := func(days ...map[string]any) map[string]any {
		return map[string]any{"slotMinutes": 30, "maxPerDay": 10, "weekly": days}
	}
	day := func(weekday, start, end string, breaks ...map[string]string) map[string]any {
		if breaks == nil {
			breaks = []map[string]string{}
		}
		return map[string]any{"weekday": weekday, "start": start, "end": end, "breaks": breaks}
	}
	brk := func(start, end string) map[string]string { return map[string]string{"start": start, "end": end} }
	good := kgd(s1, "2026-06-17 10:00")

	for _, tc := range []struct {
		name         string
		method, path string
		token        string
		body         any
		status       int
		fields       []string
	}{
		// booking
		{"slot in the past", "POST", "/bookings", alice, bookBody(kgd(s1, "2026-06-16 09:00"), "in_person"), 422, []string{"slotId:in_past"}},
		{"malformed slot id", "POST", "/bookings", alice, bookBody("nonsense", "in_person"), 422, []string{"slotId:unknown_slot"}},
		{"no slot at that time", "POST", "/bookings", alice, bookBody(kgd(s1, "2026-06-17 09:15"), "in_person"), 422, []string{"slotId:unknown_slot"}},
		{"unknown specialist", "POST", "/bookings", alice, bookBody(booking.SlotID("spec-nobody", local(zoneKgd, "2026-06-17 09:00")), "in_person"), 422, []string{"slotId:unknown_slot"}},
		{"unknown mode", "POST", "/bookings", alice, bookBody(good, "hologram"), 422, []string{"mode:unknown_mode"}},
		{"no mode", "POST", "/bookings", alice, map[string]any{"slotId": good}, 422, []string{"mode:unknown_mode"}},
		{"mode the specialist does not offer", "POST", "/bookings", alice, bookBody(kgd(kgdEyes, "2026-06-17 09:00"), "video"), 422, []string{"mode:mode_not_offered"}},
		{"bad phone", "POST", "/bookings", alice, map[string]any{"slotId": good, "mode": "in_person", "contactPhone": "8 916 123-45"}, 422, []string{"contactPhone:invalid_phone"}},
		{"several at once", "POST", "/bookings", alice, map[string]any{"slotId": "x", "mode": "x", "contactPhone": "x"}, 422, []string{"contactPhone:invalid_phone", "mode:unknown_mode", "slotId:unknown_slot"}},
		{"status is not assignable", "POST", "/bookings", alice, map[string]any{"slotId": good, "mode": "in_person", "status": "completed"}, 400, []string{"status:unknown_field"}},
		{"wrong type", "POST", "/bookings", alice, map[string]any{"slotId": 7, "mode": "in_person"}, 400, []string{"slotId:wrong_type"}},
		// reschedule and cancel
		{"reschedule to another specialist's slot", "POST", "/bookings/" + id + "/reschedule", alice, map[string]any{"slotId": kgd(s2, "2026-06-17 10:00")}, 422, []string{"slotId:other_specialist"}},
		{"reschedule to the same slot", "POST", "/bookings/" + id + "/reschedule", alice, map[string]any{"slotId": kgd(s1, "2026-06-17 09:00")}, 422, []string{"slotId:same_slot"}},
		{"reschedule to a malformed slot id", "POST", "/bookings/" + id + "/reschedule", alice, map[string]any{"slotId": "soon"}, 422, []string{"slotId:unknown_slot"}},
		{"reschedule into the past", "POST", "/bookings/" + id + "/reschedule", alice, map[string]any{"slotId": kgd(s1, "2026-06-16 09:30")}, 422, []string{"slotId:in_past"}},
		{"cancel with a reason too long", "POST", "/bookings/" + id + "/cancel", alice, map[string]any{"reason": strings.Repeat("я", 501)}, 422, []string{"reason:too_long"}},
		// free slots
		{"slots from after to", "GET", "/specialists/" + s1 + "/slots?from=2026-06-18&to=2026-06-17", alice, nil, 422, []string{"to:before_from"}},
		{"slots over 31 days", "GET", "/specialists/" + s1 + "/slots?from=2026-06-16&to=2026-07-17", alice, nil, 422, []string{"to:range_too_long"}},
		{"slots from an impossible date", "GET", "/specialists/" + s1 + "/slots?from=2026-02-30", alice, nil, 422, []string{"from:invalid_date"}},
		{"slots at night", "GET", "/specialists/" + s1 + "/slots?partOfDay=night", alice, nil, 422, []string{"partOfDay:unknown_part_of_day"}},
		{"slots minDuration not a number", "GET", "/specialists/" + s1 + "/slots?minDuration=long", alice, nil, 400, []string{"minDuration:not_integer"}},
		{"slots minDuration too long", "GET", "/specialists/" + s1 + "/slots?minDuration=300", alice, nil, 422, []string{"minDuration:out_of_range"}},
		{"slots of an unknown specialist", "GET", "/specialists/spec-nobody/slots", alice, nil, 404, nil},
		// institutions
		{"near off the globe", "GET", "/institutions?near=200,10", alice, nil, 422, []string{"near:out_of_range"}},
		{"near not a point", "GET", "/institutions?near=north", alice, nil, 400, []string{"near:invalid_point"}},
		{"radius too large", "GET", "/institutions?near=54.7,20.5&radiusKm=1000", alice, nil, 422, []string{"radiusKm:out_of_range"}},
		{"inn with a bad checksum", "GET", "/institutions?inn=7707083894", alice, nil, 422, []string{"inn:invalid_inn"}},
		{"unknown institution type", "GET", "/institutions?type=zoo", alice, nil, 422, []string{"type:unknown_type"}},
		{"unknown institution", "GET", "/institutions/inst-nowhere", alice, nil, 404, nil},
		// journal
		{"journal status", "GET", "/bookings?status=soon", alice, nil, 422, []string{"status:unknown_status"}},
		{"journal to before from", "GET", "/bookings?from=2026-06-20&to=2026-06-10", alice, nil, 422, []string{"to:before_from"}},
		// schedules
		{"overlapping breaks", "PUT", "/specialists/" + s1 + "/schedule", staff, week(day("monday", "09:00", "13:00", brk("10:00", "11:00"), brk("10:30", "11:30"))), 422, []string{"weekly[0].breaks:overlapping"}},
		{"break outside working hours", "PUT", "/specialists/" + s1 + "/schedule", staff, week(day("monday", "09:00", "13:00", brk("12:30", "13:30"))), 422, []string{"weekly[0].breaks[0]:outside_hours"}},
		{"break backwards", "PUT", "/specialists/" + s1 + "/schedule", staff, week(day("monday", "09:00", "13:00", brk("11:00", "10:00"))), 422, []string{"weekly[0].breaks[0]:invalid_hours"}},
		{"hours backwards", "PUT", "/specialists/" + s1 + "/schedule", staff, week(day("monday", "13:00", "09:00")), 422, []string{"weekly[0]:invalid_hours"}},
		{"hours not HH:MM", "PUT", "/specialists/" + s1 + "/schedule", staff, week(day("monday", "9:00", "13:00")), 422, []string{"weekly[0]:invalid_hours"}},
		{"unknown weekday", "PUT", "/specialists/" + s1 + "/schedule", staff, week(day("funday", "09:00", "13:00")), 422, []string{"weekly[0].weekday:unknown_weekday"}},
		{"weekday twice", "PUT", "/specialists/" + s1 + "/schedule", staff, week(day("monday", "09:00", "13:00"), day("monday", "14:00", "15:00")), 422, []string{"weekly[1].weekday:duplicate"}},
		{"no working days", "PUT", "/specialists/" + s1 + "/schedule", staff, week(), 422, []string{"weekly:required"}},
		{"slots too short", "PUT", "/specialists/" + s1 + "/schedule", staff, map[string]any{"slotMinutes": 1, "maxPerDay": 10, "weekly": []any{day("monday", "09:00", "13:00")}}, 422, []string{"slotMinutes:out_of_range"}},
		{"no daily limit", "PUT", "/specialists/" + s1 + "/schedule", staff, map[string]any{"slotMinutes": 30, "weekly": []any{day("monday", "09:00", "13:00")}}, 422, []string{"maxPerDay:out_of_range"}},
		{"too many weeks", "PUT", "/specialists/" + s1 + "/schedule", staff, map[string]any{"slotMinutes": 30, "maxPerDay": 10, "weeksAhead": 13, "weekly": []any{day("monday", "09:00", "13:00")}}, 422, []string{"weeksAhead:out_of_range"}},
		{"exception on an impossible date", "PUT", "/specialists/" + s1 + "/schedule", staff, map[string]any{"slotMinutes": 30, "maxPerDay": 10, "weekly": []any{day("monday", "09:00", "13:00")}, "exceptions": []any{map[string]any{"date": "2026-02-30", "dayOff": true}}}, 422, []string{"exceptions[0].date:invalid_date"}},
		{"schedule with an unknown field", "PUT", "/specialists/" + s1 + "/schedule", staff, map[string]any{"slotMinutes": 30, "maxPerDay": 10, "weekly": []any{}, "specialistId": "spec-msk-01-1"}, 400, []string{"specialistId:unknown_field"}},
		// staff
		{"day list of an impossible date", "GET", "/specialists/" + s1 + "/bookings?date=tomorrow", staff, nil, 422, []string{"date:invalid_date"}},
		{"visit with an unknown outcome", "POST", "/bookings/" + id + "/visit", staff, map[string]any{"outcome": "maybe"}, 422, []string{"outcome:unknown_outcome"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertProblem(t, e.do(req{method: tc.method, path: tc.path, token: tc.token, body: tc.body}), tc.status, tc.fields...)
		})
	}

	t.Run("nothing changed", func(t *testing.T) {
		if after := e.rawItems("alice"); !reflect.DeepEqual(aliceBefore, after) {
			t.Errorf("refused requests changed alice's items")
		}
		if after := e.freeOn(s1, "2026-06-17"); !reflect.DeepEqual(freeBefore, after) {
			t.Errorf("refused schedules changed the free slots: %v → %v", freeBefore, after)
		}
	})

	t.Run("limits accept their boundary", func(t *testing.T) {
		// 31 days inclusive is the longest range
		if page := e.freeSlots(s1, "from=2026-06-16&to=2026-07-16"); page.TimeZone != zoneKgd {
			t.Errorf("31-day range: %+v", page)
		}
		r := e.do(req{method: "GET", path: "/institutions?inn=3906011230", token: alice})
		if r.status != http.StatusOK || !reflect.DeepEqual(idsOf(items(r.json(t))), []string{kgdPoly}) {
			t.Errorf("search by a valid INN: %d %s", r.status, r.body)
		}
	})
}

func TestBookingStaffAuthorization(t *testing.T) {
	e := newBookingEnv(t)
	spec := kgdTherapist
	e.setSchedule(kgdPoly, spec, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	start := local(zoneKgd, "2026-06-16 10:00")
	id := e.mustBook("alice", booking.SlotID(spec, start))["id"].(string)
	freeBefore := e.freeOn(spec, "2026-06-16")

	mondaysOnly := map[string]any{"slotMinutes": 60, "maxPerDay": 3, "weekly": []any{map[string]any{"weekday": "monday", "start": "14:00", "end": "15:00"}}}
	citizen := e.token("alice")
	citizenClaimingInst := e.tokenFor(httpapi.Identity{Sub: "carl", Groups: []string{"citizen"}, Institution: kgdPoly})
	otherStaff := e.staff(kgdHospital)
	staffNoInst := e.tokenFor(httpapi.Identity{Sub: "drifter", Groups: []string{"staff"}})
	routes := []struct {
		name   string
		method string
		path   string
		body   any
	}{
		{"set schedule", "PUT", "/specialists/" + spec + "/schedule", mondaysOnly},
		{"day list", "GET", "/specialists/" + spec + "/bookings?date=2026-06-16", nil},
		{"visit", "POST", "/bookings/" + id + "/visit", map[string]any{"outcome": "completed", "comment": "x"}},
	}
	for _, caller := range []struct {
		name, token string
		status      [3]int // schedule, day list, visit
		typ         [3]string
	}{
		{"citizen", citizen, [3]int{403, 403, 403}, [3]string{"staff-only", "staff-only", "staff-only"}},
		{"citizen with an institution claim", citizenClaimingInst, [3]int{403, 403, 403}, [3]string{"staff-only", "staff-only", "staff-only"}},
		{"staff of another institution", otherStaff, [3]int{403, 403, 404}, [3]string{"other-institution", "other-institution", "not-found"}},
		{"staff of no institution", staffNoInst, [3]int{403, 403, 404}, [3]string{"other-institution", "other-institution", "not-found"}},
		{"no token", "", [3]int{401, 401, 401}, [3]string{"", "", ""}},
	} {
		for i, rt := range routes {
			t.Run(caller.name+"/"+rt.name, func(t *testing.T) {
				assertType(t, e.do(req{method: rt.method, path: rt.path, token: caller.token, body: rt.body}), caller.status[i], caller.typ[i])
			})
		}
	}
	t.Run("refused staff changed nothing", func(t *testing.T) {
		if after := e.freeOn(spec, "2026-06-16"); !reflect.DeepEqual(freeBefore, after) {
			t.Errorf("free slots changed: %v → %v", freeBefore, after)
		}
		r := e.do(req{method: "GET", path: "/bookings/" + id, token: e.token("alice")})
		if b := r.json(t); b["status"] != "confirmed" || len(history(b)) != 1 {
			t.Errorf("booking changed: %s", r.body)
		}
	})
	t.Run("unknown specialist", func(t *testing.T) {
		assertType(t, e.do(req{method: "PUT", path: "/specialists/spec-nobody/schedule", token: e.staff(kgdPoly), body: mondaysOnly}), 404, "not-found")
	})

	staff := e.staff(kgdPoly)
	t.Run("the institution's staff see the day", func(t *testing.T) {
		l := e.dayList(kgdPoly, spec, "2026-06-16")
		if !reflect.DeepEqual(idsOf(l), []string{id}) || l[0]["contactPhone"] != "+79161234567" {
			t.Errorf("day list = %v", l)
		}
	})
	t.Run("no visit before the start", func(t *testing.T) {
		assertType(t, e.do(req{method: "POST", path: "/bookings/" + id + "/visit", token: staff, body: map[string]any{"outcome": "completed"}}),
			http.StatusConflict, "not-started")
	})
	t.Run("the visit after the start", func(t *testing.T) {
		e.clock.Set(start.Add(20 * time.Minute))
		staff := e.staff(kgdPoly)
		comment := "Рекомендовано повторить анализ крови через месяц"
		r := e.do(req{method: "POST", path: "/bookings/" + id + "/visit", token: staff, body: map[string]any{"outcome": "completed", "comment": comment}})
		if r.status != http.StatusOK {
			t.Fatalf("visit: %d %s", r.status, r.body)
		}
		if b := r.json(t); b["status"] != "completed" || b["staffComment"] != comment {
			t.Errorf("visit answered %v", b)
		}
		r = e.do(req{method: "GET", path: "/bookings/" + id, token: e.token("alice")})
		b := r.json(t)
		h := history(b)
		if b["status"] != "completed" || b["staffComment"] != comment || len(h) != 2 || h[1]["action"] != "visit" || h[1]["actor"] != "staff@"+kgdPoly {
			t.Errorf("the citizen sees %s", r.body)
		}
		r = e.do(req{method: "GET", path: "/bookings?status=past", token: e.token("alice")})
		if !reflect.DeepEqual(idsOf(items(r.json(t))), []string{id}) {
			t.Errorf("past journal: %s", r.body)
		}
		assertType(t, e.do(req{method: "POST", path: "/bookings/" + id + "/visit", token: staff, body: map[string]any{"outcome": "no_show"}}),
			http.StatusConflict, "not-active")
		assertType(t, e.do(req{method: "POST", path: "/bookings/" + id + "/cancel", token: e.token("alice"), body: map[string]any{}}),
			http.StatusConflict, "not-active")
	})
	t.Run("the institution's staff set the schedule", func(t *testing.T) {
		e.clock.Set(bookingMonday)
		r := e.do(req{method: "PUT", path: "/specialists/" + spec + "/schedule", token: e.staff(kgdPoly), body: mondaysOnly})
		if r.status != http.StatusOK {
			t.Fatalf("schedule: %d %s", r.status, r.body)
		}
		// Mondays 14:00–15:00 for 4 weeks; the old free slots of the week go, the booked one stays
		if got := r.json(t); got["created"] != 4.0 || got["removed"] != 39.0 || got["kept"] != 1.0 {
			t.Errorf("result = %v, want 4 created, 39 removed, 1 kept", got)
		}
		if free := e.freeOn(spec, "2026-06-16"); len(free) != 0 {
			t.Errorf("Tuesday still has free slots: %v", free)
		}
	})
}

func TestBookingZones(t *testing.T) {
	e := newBookingEnv(t)
	for _, tc := range []struct {
		zone, inst, spec, offset string
		created                  float64
	}{
		// Monday 08:00 in Kaliningrad: all five weekdays
		{zoneKgd, kgdPoly, kgdTherapist, "+02:00", 40},
		// Monday 18:00 in Kamchatka: Monday is over
		{zonePkc, pkcPoly, pkcTherapist, "+12:00", 32},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			res := e.setSchedule(tc.inst, tc.spec, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
			if res["created"] != tc.created {
				t.Errorf("created = %v, want %v", res["created"], tc.created)
			}
			page := e.freeSlots(tc.spec, "")
			if page.TimeZone != tc.zone || len(page.Items) == 0 {
				t.Fatalf("slots = %+v", page)
			}
			for _, s := range page.Items {
				if !strings.HasSuffix(s.Start, tc.offset) || !strings.HasSuffix(s.End, tc.offset) {
					t.Errorf("slot %+v not at %s", s, tc.offset)
				}
				if hm := s.Start[11:16]; hm < "09:00" || hm > "12:30" {
					t.Errorf("slot %s outside local working hours", s.Start)
				}
			}
		})
	}

	t.Run("Kamchatka's journal dates are local", func(t *testing.T) {
		// 09:00 on Tuesday in Kamchatka is 21:00 on Monday in UTC
		first := e.freeSlots(pkcTherapist, "").Items[0]
		if first.Start != "2026-06-16T09:00:00+12:00" {
			t.Fatalf("first free slot %s, want Tuesday 09:00 +12:00", first.Start)
		}
		b := e.mustBook("kim", first.ID)
		id := b["id"].(string)
		start, _ := time.Parse(time.RFC3339, b["start"].(string))
		if b["date"] != "2026-06-16" || b["start"] != "2026-06-16T09:00:00+12:00" || start.UTC().Format(time.DateOnly) != "2026-06-15" {
			t.Errorf("booking date %v start %v (UTC %v)", b["date"], b["start"], start.UTC())
		}
		for q, want := range map[string][]string{
			"from=2026-06-16&to=2026-06-16": {id},
			"to=2026-06-15":                 {},
			"from=2026-06-17":               {},
		} {
			r := e.do(req{method: "GET", path: "/bookings?" + q, token: e.token("kim")})
			got := idsOf(items(r.json(t)))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("journal ?%s = %v, want %v", q, got, want)
			}
			if q == "from=2026-06-16&to=2026-06-16" && len(got) == 1 && items(r.json(t))[0]["date"] != "2026-06-16" {
				t.Errorf("journal date = %v", items(r.json(t))[0]["date"])
			}
		}
		if l := e.dayList(pkcPoly, pkcTherapist, "2026-06-16"); !reflect.DeepEqual(idsOf(l), []string{id}) {
			t.Errorf("day list of 2026-06-16 = %v", idsOf(l))
		}
		if l := e.dayList(pkcPoly, pkcTherapist, "2026-06-15"); len(l) != 0 {
			t.Errorf("day list of 2026-06-15 = %v, want empty", idsOf(l))
		}
		r := e.do(req{method: "GET", path: "/bookings/" + id + "/calendar.ics", token: e.token("kim")})
		for _, want := range []string{"DTSTART;TZID=Asia/Kamchatka:20260616T090000\r\n", "TZOFFSETTO:+1200\r\n"} {
			if !strings.Contains(string(r.body), want) {
				t.Errorf("calendar file lacks %q:\n%s", want, r.body)
			}
		}
		// 12:30 local on the same Tuesday is 00:30 UTC on Tuesday: another UTC
		// day, the same local one
		late := booking.SlotID(pkcTherapist, local(zonePkc, "2026-06-16 12:30"))
		assertType(t, e.book("kim", late), http.StatusConflict, "one-per-day")
	})
}

// TestJournalPages: the journal comes a page at a time, latest appointment
// first; a cursor is a place in that order, so a booking made between pages
// is not repeated nor does it shift the next page; a forged cursor is 400.
func TestJournalPages(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 10, 2))
	var starts []string
	for _, d := range []string{"16", "17", "18", "19"} {
		e.mustBook("pat", kgd(kgdTherapist, "2026-06-"+d+" 09:00"))
		starts = append([]string{"2026-06-" + d + "T09:00:00+02:00"}, starts...) // latest first
	}
	page := func(cursor string) ([]string, string) {
		t.Helper()
		r := e.do(req{method: "GET", path: "/bookings?limit=3&cursor=" + cursor, token: e.token("pat")})
		if r.status != 200 {
			t.Fatalf("journal page: %d %s", r.status, r.body)
		}
		var got []string
		for _, it := range r.json(t)["items"].([]any) {
			got = append(got, it.(map[string]any)["start"].(string))
		}
		next, _ := r.json(t)["nextCursor"].(string)
		return got, next
	}
	first, next := page("")
	if !reflect.DeepEqual(first, starts[:3]) || next == "" {
		t.Fatalf("page 1 = %v next %q, want %v and a cursor", first, next, starts[:3])
	}
	// booked between the pages, later than everything: it belongs before page 1
	e.mustBook("pat", kgd(kgdTherapist, "2026-06-22 09:00"))
	second, last := page(next)
	if !reflect.DeepEqual(second, starts[3:]) || last != "" {
		t.Errorf("page 2 = %v next %q, want %v and no cursor", second, last, starts[3:])
	}
	assertProblem(t, e.do(req{method: "GET", path: "/bookings?cursor=djE6bm9uc2Vuc2U", token: e.token("pat")}), 400)
	assertProblem(t, e.do(req{method: "GET", path: "/bookings?limit=abc", token: e.token("pat")}), 400)
}
