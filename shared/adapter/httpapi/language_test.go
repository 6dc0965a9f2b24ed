package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestDownloadsInTheReadersLanguage: every download (the booking's PDF and
// calendar file, the journal CSV, the organisation's CSV) and the booking's
// checklist are in the language the request names, else in the caller's
// profile's, else Russian — never English for a Russian profile because a
// request named none.
func TestDownloadsInTheReadersLanguage(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	people := map[string]string{"lang-ru": "ru", "lang-en": "en", "lang-none": ""} // "" saves no profile
	bookings := map[string]string{}
	for i, sub := range []string{"lang-ru", "lang-en", "lang-none"} {
		if lang := people[sub]; lang != "" {
			if r := e.do(req{method: "PUT", path: "/profile", token: e.token(sub), body: map[string]any{"language": lang}}); r.status != 200 {
				t.Fatalf("profile %s: %d %s", sub, r.status, r.body)
			}
		}
		r := e.do(req{method: "POST", path: "/bookings", token: e.token(sub), header: map[string]string{"Accept-Language": "en"},
			body: bookBody(kgd(kgdTherapist, fmt.Sprintf("2026-06-16 %02d:00", 9+i)), "in_person")})
		if r.status != http.StatusCreated {
			t.Fatalf("book %s: %d %s", sub, r.status, r.body)
		}
		bookings[sub] = r.json(t)["id"].(string)
	}
	boss := e.admin("lang-boss", "acme")
	e.consent("lang-ru", "acme", "osago")

	// Each download, and how to tell its language: a Russian word it has.
	downloads := []struct {
		name    string
		path    func(sub string) string
		russian string
		english string
	}{
		{"booking PDF", func(sub string) string { return "/bookings/" + bookings[sub] + "/confirmation.pdf" }, "", ""},
		{"calendar file", func(sub string) string { return "/bookings/" + bookings[sub] + "/calendar.ics" }, "Номер подтверждения", "Confirmation number"},
		{"journal CSV", func(string) string { return "/bookings/export.csv" }, "Учреждение", "Institution"},
		{"booking checklist", func(sub string) string { return "/bookings/" + bookings[sub] }, "Паспорт", "Passport"},
	}
	get := func(sub, path, header string) []byte {
		t.Helper()
		h := map[string]string{}
		if header != "" {
			h["Accept-Language"] = header
		}
		r := e.do(req{method: "GET", path: path, token: e.token(sub), header: h})
		if r.status != http.StatusOK {
			t.Fatalf("GET %s as %s: %d %s", path, sub, r.status, r.body)
		}
		return r.body
	}
	for _, d := range downloads {
		for _, tc := range []struct {
			sub, header, want string
		}{
			{"lang-ru", "", "ru"},   // the issue: a Russian profile got English
			{"lang-en", "", "en"},   // the profile's language
			{"lang-none", "", "ru"}, // no profile: the default
			{"lang-en", "ru", "ru"}, // the request's language wins
			{"lang-ru", "en", "en"},
			{"lang-ru", "fr, en;q=0.5", "en"},
			{"lang-en", "de", "en"}, // a language Kabinet lacks names none: the profile's
		} {
			t.Run(fmt.Sprintf("%s/%s/%q", d.name, tc.sub, tc.header), func(t *testing.T) {
				body := get(tc.sub, d.path(tc.sub), tc.header)
				if d.russian == "" { // the PDF: the same bytes as when asked for that language
					// (but the PAdES signature's value: the env signs PDFs,
					// and an ECDSA signature differs on every signing)
					if want := get(tc.sub, d.path(tc.sub), tc.want); !bytes.Equal(unsignedPDF(body), unsignedPDF(want)) {
						t.Errorf("the PDF is not the %s one", tc.want)
					}
					return
				}
				ru, en := strings.Contains(string(body), d.russian), strings.Contains(string(body), d.english)
				if (tc.want == "ru") != ru || (tc.want == "en") != en {
					t.Errorf("want %s: Russian %v, English %v:\n%.400s", tc.want, ru, en, body)
				}
			})
		}
	}
	t.Run("organisation CSV", func(t *testing.T) {
		for _, tc := range []struct{ profile, header, want string }{{"", "", "Сотрудник"}, {"en", "", "Employee"}, {"en", "ru", "Сотрудник"}} {
			if tc.profile != "" {
				e.do(req{method: "PUT", path: "/profile", token: e.token("lang-boss"), body: map[string]any{"language": tc.profile}})
			}
			h := map[string]string{}
			if tc.header != "" {
				h["Accept-Language"] = tc.header
			}
			r := e.do(req{method: "GET", path: "/organizations/acme/documents.csv", token: boss, header: h})
			if r.status != 200 || !bytes.HasPrefix(r.body, []byte("\xEF\xBB\xBF"+tc.want)) {
				t.Errorf("profile %q, header %q: %d %.80s, want a header row starting %q", tc.profile, tc.header, r.status, r.body, tc.want)
			}
		}
	})
}

// signatureValue is the hex string of a PDF's embedded CMS signature, the
// only long hex string in the PDFs Kabinet issues.
var signatureValue = regexp.MustCompile(`<[0-9A-Fa-f]{512,}>`)

// unsignedPDF is pdf with its signature values blanked.
func unsignedPDF(pdf []byte) []byte { return signatureValue.ReplaceAll(pdf, []byte("<>")) }
