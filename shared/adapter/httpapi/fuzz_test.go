package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// fuzzStore is the least registry.Store the create and profile paths need:
// documents and profiles in maps, no history, no idempotency.
type fuzzStore struct {
	mu       sync.Mutex
	profiles map[string]registry.Profile
	docs     map[string]registry.Document
}

func (s *fuzzStore) GetProfile(_ context.Context, owner string) (registry.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.profiles[owner], nil
}

func (s *fuzzStore) PutProfile(_ context.Context, p registry.Profile, prev int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.profiles[p.Owner].Version != prev {
		return errs.E("fuzzStore.PutProfile", errs.Precondition, errs.ReasonVersionMismatch)
	}
	s.profiles[p.Owner] = p
	return nil
}

func (s *fuzzStore) CreateDocument(_ context.Context, d registry.Document, _ registry.Event, _ *idempotency.Key) (registry.Document, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[d.Owner+"/"+d.ID] = d
	return d, false, nil
}

func (s *fuzzStore) GetDocument(_ context.Context, owner, id string) (registry.Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[owner+"/"+id]
	if !ok {
		return registry.Document{}, errs.E("fuzzStore.GetDocument", errs.NotFound, nil)
	}
	return d, nil
}

func (s *fuzzStore) ListDocuments(context.Context, string, string, int) ([]registry.Document, string, error) {
	return nil, "", errs.E("fuzzStore.ListDocuments", KindNotImplemented, nil)
}

func (s *fuzzStore) UpdateDocument(context.Context, registry.Document, int, registry.Event) error {
	return errs.E("fuzzStore.UpdateDocument", KindNotImplemented, nil)
}

func (s *fuzzStore) DeleteDocument(context.Context, string, string, func(context.Context) error) error {
	return errs.E("fuzzStore.DeleteDocument", KindNotImplemented, nil)
}

func (s *fuzzStore) ListHistory(context.Context, string, string, string, int) ([]registry.Event, string, error) {
	return nil, "", errs.E("fuzzStore.ListHistory", KindNotImplemented, nil)
}

// fuzzNow is 12:00 in Moscow on 2026-06-15.
var fuzzNow = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

// newFuzzService returns a service whose owner "alice" has a saved profile
// with a birth date, so the internal passport's rule can run.
func newFuzzService() *registry.Service {
	birth := civil.Date{Year: 1990, Month: time.May, Day: 15}
	st := &fuzzStore{
		profiles: map[string]registry.Profile{"alice": {Owner: "alice", BirthDate: &birth, TimeZone: "Europe/Moscow", Language: "ru", Version: 1}},
		docs:     map[string]registry.Document{},
	}
	n := 0
	return &registry.Service{Store: st, Now: func() time.Time { return fuzzNow },
		NewID: func() string { n++; return fmt.Sprintf("id-%d", n) }}
}

// addEventBodies seeds f with the body of every sample API event that has one.
func addEventBodies(f *testing.F) {
	f.Helper()
	for _, path := range apiEventFiles(f) {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		var ev struct {
			Body            string `json:"body"`
			IsBase64Encoded bool   `json:"isBase64Encoded"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		if ev.Body == "" {
			continue
		}
		body := []byte(ev.Body)
		if ev.IsBase64Encoded {
			if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
				f.Fatalf("%s: body: %v", path, err)
			}
		}
		f.Add(body)
	}
}

// edgeCases are hand-written bodies that every JSON decoder should survive.
var edgeCases = []string{
	``,
	` `,
	`null`,
	`{}`,
	`[]`,
	`"x"`,
	`0`,
	`{"type":null}`,
	`{"type":"custom","title":null,"number":null,"issuedOn":null,"expiresOn":null,"remindDays":null}`,
	`{"type":"snils","number":"112-233-445 95"}`,
	`{"type":"internal_passport","number":"4510123456","issuedOn":"2010-06-01"}`,
	`{"type":"osago","issuedOn":"2024-02-29"}`,
	`{"type":"medical_certificate_086u","issuedOn":"2025-08-31"}`,
	`{"type":"contract","issuedOn":"2026-01-10","expiresOn":"2026-01-09"}`,
	`{"type":"custom","title":"x","remindDays":[1e400]}`,
	`{"type":"custom","title":"x","remindDays":[99999999999999999999]}`,
	`{"type":"custom","title":"x","remindDays":[1.5]}`,
	`{"type":"custom","title":"x","remindDays":[-9223372036854775808]}`,
	`{"type":"custom","title":"x","remindDays":"7"}`,
	`{"type":"custom","title":"x","remindDays":[7,7,7,7,7,7,7]}`,
	`{"type":"custom","title":"\u0000"}`,
	`{"type":"custom","title":"\ud800"}`,
	`{"type":"custom","title":"\u202eevil"}`,
	`{"\u0074ype":"snils"}`,
	`{"TYPE":"snils"}`,
	`{"type":"custom","type":"snils","number":"112-233-445 95"}`,
	`{"type":"custom","title":"a","title":null}`,
	`{"type":"custom","DocumentFields":{}}`,
	`{"type":"custom","owner":"bob"}`,
	`{"":""}`,
	`{"type":"custom","version":7}`,
	`{"type":"custom","title":"x"} {}`,
	`{"type":"custom","title":"x"}garbage`,
	`{"type":"custom","title":"x"`,
	`{"type":"foreign_passport","issuedOn":"2017-06-20T00:00:00Z"}`,
	`{"type":"foreign_passport","issuedOn":"1899-12-31"}`,
	`{"type":"foreign_passport","issuedOn":"2200-12-31"}`,
	`{"type":"foreign_passport","expiresOn":"2200-12-31","issuedOn":"1900-01-01"}`,
	`{"name":"Тест","birthDate":"1990-02-29","timeZone":"Europe/Moscow","language":"ru","email":"a@b.ru","phone":"+70000000000"}`,
	`{"timeZone":"Local"}`,
	`{"timeZone":"../../etc/passwd"}`,
	`{"timeZone":"right/Europe/Moscow"}`,
	`{"email":"Alice <a@b.ru>"}`,
	`{"email":"\"a@b\"@c.ru"}`,
	`{"email":"a@[127.0.0.1]"}`,
	`{"language":"EN"}`,
	`{"birthDate":"2026-06-16"}`,
	`{"name":` + strings.Repeat(`"`, 1) + strings.Repeat("ж", 201) + `"}`,
	strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001),
	`{"type":` + strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000) + `}`,
	"\xef\xbb\xbf{}",
	"{\"type\":\"custom\",\"title\":\"\xff\"}",
}

// assertDecodeError checks that a decoding failure is Malformed with one field error.
func assertDecodeError(t *testing.T, body []byte, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("decodeJSON(%q) error %v (%T) is not an *errs.Error", body, err, err)
	}
	if e.Kind != errs.Malformed {
		t.Fatalf("decodeJSON(%q) kind = %v, want malformed (err %v)", body, e.Kind, err)
	}
	// The field is named, except for an unknown key that is itself empty ({"": 1}).
	if len(e.Fields) != 1 || e.Fields[0].Code == "" || (e.Fields[0].Field == "" && e.Fields[0].Code != "unknown_field") {
		t.Fatalf("decodeJSON(%q) fields = %v, want one named field error", body, e.Fields)
	}
}

// assertRuleError checks that a refusal by the service is Invalid with field errors.
func assertRuleError(t *testing.T, what string, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v (%T) is not an *errs.Error", what, err, err)
	}
	if e.Kind != errs.Invalid {
		t.Fatalf("%s: kind = %v, want invalid (err %v)", what, e.Kind, err)
	}
	if len(e.Fields) == 0 {
		t.Fatalf("%s: invalid without field errors: %v", what, err)
	}
}

func FuzzDecodeCreateDocument(f *testing.F) {
	addEventBodies(f)
	for _, s := range edgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in registry.CreateInput
		if err := DecodeJSON(body, &in); err != nil {
			assertDecodeError(t, body, err)
			return
		}
		if !json.Valid(body) {
			t.Fatalf("decodeJSON accepted invalid JSON %q", body)
		}
		ti, known := registry.Lookup(registry.DocType(in.Type))
		v, _, err := newFuzzService().CreateDocument(context.Background(), "alice", in, nil)
		if err != nil {
			assertRuleError(t, fmt.Sprintf("CreateDocument(%q)", body), err)
			return
		}
		if !known {
			t.Fatalf("CreateDocument(%q) accepted unknown type %q", body, in.Type)
		}
		if v.Type != ti.Type || v.Owner != "alice" || v.Version != 1 || v.Source != registry.SourceUser {
			t.Fatalf("CreateDocument(%q) = %+v: wrong type, owner, version or source", body, v.Document)
		}
		if v.ExpiresOn != nil && v.IssuedOn != nil && v.ExpiresOn.Before(*v.IssuedOn) {
			t.Fatalf("CreateDocument(%q): expires %s before issued %s", body, v.ExpiresOn, v.IssuedOn)
		}
		if v.IssuedOn != nil && v.IssuedOn.After(civil.Date{Year: 2026, Month: time.June, Day: 15}) {
			t.Fatalf("CreateDocument(%q): issued in the future: %s", body, v.IssuedOn)
		}
		if v.ExpiresOnSource != registry.SourceRule && v.ExpiresOnSource != registry.SourceUser {
			t.Fatalf("CreateDocument(%q): expiresOnSource %q", body, v.ExpiresOnSource)
		}
		if !slices.Contains(registry.Statuses, v.Status) || (v.ExpiresOn == nil) != (v.DaysLeft == nil) {
			t.Fatalf("CreateDocument(%q): status %q daysLeft %v for expires %v", body, v.Status, v.DaysLeft, v.ExpiresOn)
		}
		if ti.NeedsTitle && v.Title == "" {
			t.Fatalf("CreateDocument(%q): %s without a title", body, v.Type)
		}
		if len(v.RemindDays) > 0 && !slices.IsSortedFunc(v.RemindDays, func(a, b int) int { return b - a }) {
			t.Fatalf("CreateDocument(%q): remindDays %v not descending", body, v.RemindDays)
		}
	})
}

func FuzzDecodeProfile(f *testing.F) {
	addEventBodies(f)
	for _, s := range edgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in registry.ProfileInput
		if err := DecodeJSON(body, &in); err != nil {
			assertDecodeError(t, body, err)
			return
		}
		if !json.Valid(body) {
			t.Fatalf("decodeJSON accepted invalid JSON %q", body)
		}
		p, err := newFuzzService().PutProfile(context.Background(), "alice", in, nil)
		if err != nil {
			assertRuleError(t, fmt.Sprintf("PutProfile(%q)", body), err)
			return
		}
		if p.Owner != "alice" || p.Version != 2 {
			t.Fatalf("PutProfile(%q) = owner %q version %d, want alice 2", body, p.Owner, p.Version)
		}
		if p.Language != "ru" && p.Language != "en" {
			t.Fatalf("PutProfile(%q): language %q", body, p.Language)
		}
		if loc, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "" || p.TimeZone == "Local" {
			t.Fatalf("PutProfile(%q): time zone %q (%v, %v)", body, p.TimeZone, loc, err)
		}
		if p.BirthDate != nil && p.BirthDate.After(civil.Date{Year: 2026, Month: time.June, Day: 15}) {
			t.Fatalf("PutProfile(%q): born in the future: %s", body, p.BirthDate)
		}
		if p.Email != "" && (!strings.Contains(p.Email, "@") || strings.ContainsAny(p.Email, "<> ,")) {
			t.Fatalf("PutProfile(%q): e-mail %q", body, p.Email)
		}
		if p.Phone != "" && !strings.HasPrefix(p.Phone, "+") {
			t.Fatalf("PutProfile(%q): phone %q", body, p.Phone)
		}
	})
}
