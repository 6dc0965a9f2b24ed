package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/booking"
)

// TestStoredTextIsCanonical (issue 15, point 7): a body that is not UTF-8
// is 400 and writes nothing (encoding/json would have stored U+FFFD for
// each bad byte); text is stored NFC-normalised; bidirectional controls,
// zero-width and other format characters, and a JSON-escaped lone
// surrogate, are 422 invalid_text in every text a person stores: names,
// titles, numbers, application fields, comments and reasons.
func TestStoredTextIsCanonical(t *testing.T) {
	e := newBookingEnv(t)
	alice := e.token("alice")
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	bookingID := e.mustBook("alice", booking.SlotID(kgdTherapist, local(zoneKgd, "2026-06-16 10:00")))["id"].(string)
	app := e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("alice", app)
	doc := e.mustCreate("alice", map[string]any{"type": "custom", "title": "Пропуск"})["id"].(string)

	t.Run("invalid UTF-8 is 400", func(t *testing.T) {
		for _, r := range []req{
			{method: "PUT", path: "/profile", body: "{\"name\":\"Иван\xff\xfe\"}"},
			{method: "POST", path: "/documents", body: "{\"type\":\"custom\",\"title\":\"\xc3\x28\"}"},
			{method: "POST", path: "/applications", body: "{\"serviceCode\":\"certificate_request\",\"fields\":{\"fullName\":\"\xed\xa0\x80\"}}"},
			{method: "POST", path: "/bookings/" + bookingID + "/cancel", body: "{\"reason\":\"\x80\"}"},
		} {
			r.token = alice
			assertProblem(t, e.do(r), http.StatusBadRequest, "body:invalid_utf8")
		}
	})

	const rlo, zwsp, lrm, isolate = "\u202e", "\u200b", "\u200f", "\u2067"
	t.Run("format characters are refused", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			r     req
			field string
		}{
			{"a name with a right-to-left override", req{method: "PUT", path: "/profile", body: map[string]any{"name": "Петров" + rlo + "вонавИ"}}, "name:invalid_text"},
			{"a name with a lone surrogate escape", req{method: "PUT", path: "/profile", body: `{"name":"Иван\ud800"}`}, "name:invalid_text"},
			{"a title with a zero-width space", req{method: "POST", path: "/documents", body: map[string]any{"type": "custom", "title": "Про" + zwsp + "пуск"}}, "title:invalid_text"},
			{"a new title with a right-to-left mark", req{method: "PATCH", path: "/documents/" + doc, body: map[string]any{"title": "a" + lrm}, header: map[string]string{"If-Match": `"1"`}}, "title:invalid_text"},
			{"a number with an isolate", req{method: "POST", path: "/documents", body: map[string]any{"type": "custom", "title": "x", "number": "12" + isolate + "34"}}, "number:invalid_text"},
			{"an application field", req{method: "POST", path: "/applications", body: map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"fullName": "Иванов" + rlo}}}, "fields.fullName:invalid_text"},
			{"a withdrawal comment", req{method: "POST", path: "/applications/" + app + "/withdraw", body: map[string]any{"comment": "передумал" + rlo}}, "comment:invalid_text"},
			{"a cancellation reason", req{method: "POST", path: "/bookings/" + bookingID + "/cancel", body: map[string]any{"reason": "заболел" + zwsp}}, "reason:invalid_text"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.r.token = alice
				assertProblem(t, e.do(tc.r), http.StatusUnprocessableEntity, tc.field)
			})
		}
	})

	t.Run("text is stored NFC", func(t *testing.T) {
		const decomposed, composed = "Е\u0308лкин", "Ёлкин"
		if r := e.do(req{method: "PUT", path: "/profile", token: alice, body: map[string]any{"name": decomposed}}); r.status != 200 || r.json(t)["name"] != composed {
			t.Errorf("profile: %d %s", r.status, r.body)
		}
		r := e.do(req{method: "POST", path: "/documents", token: alice, body: map[string]any{"type": "custom", "title": "Справка для " + decomposed}})
		if r.status != http.StatusCreated || r.json(t)["title"] != "Справка для "+composed {
			t.Errorf("document: %d %s", r.status, r.body)
		}
		r = e.do(req{method: "POST", path: "/applications", token: alice, body: map[string]any{"serviceCode": "certificate_request",
			"fields": map[string]any{"fullName": decomposed + " Иван"}}})
		if fields, _ := r.json(t)["fields"].(map[string]any); r.status != http.StatusCreated || fields["fullName"] != composed+" Иван" {
			t.Errorf("application: %d %s", r.status, r.body)
		}
	})
}
