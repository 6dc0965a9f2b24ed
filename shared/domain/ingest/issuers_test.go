package ingest_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/issuers"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// from is an event of agency party (source and detail.agency agree, as the
// bus policy makes them).
func from(party, id, detailType string, detail map[string]any) ingest.Event {
	detail["agency"] = party
	b, _ := json.Marshal(detail)
	return ingest.Event{ID: id, Source: ingest.SourcePrefix + party, DetailType: detailType, Time: now, Detail: b}
}

// TestOnlyTheIssuerChangesADocument (issue 15, point 1): a party issues only
// the types the issuer table gives it, revokes only documents it issued and
// never one the owner typed; an issue replacing a typed document archives
// it with a link and does not revoke it. Every refusal writes nothing.
func TestOnlyTheIssuerChangesADocument(t *testing.T) {
	e := newEnv(t)
	// Two parties issue foreign passports in this table, so "another
	// party's document of a type both issue" can be tried.
	e.svc.Issuers = append(issuers.Table{{Party: "mid", Documents: []registry.DocType{registry.ForeignPassport}}}, issuers.Default...)
	if _, err := e.docs.PutProfile(e.ctx, "alice", registry.ProfileInput{Name: "Алиса", BirthDate: "1990-05-15"}, nil); err != nil {
		t.Fatal(err)
	}
	typed, _, err := e.docs.CreateDocument(e.ctx, "alice", registry.CreateInput{Type: string(registry.InternalPassport),
		DocumentFields: registry.DocumentFields{Number: opt.Of("45 01 123456"), IssuedOn: opt.Of("2020-01-10")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	byMVD := e.issue("alice", "75 1234567")
	before := e.items("alice")

	revoke := func(typ, number string) map[string]any {
		return map[string]any{"citizenId": "alice", "type": typ, "number": number, "reason": "Утрачен"}
	}
	for _, tc := range []struct {
		name   string
		ev     ingest.Event
		kind   errs.Kind
		field  string      // Invalid: the field named
		reason errs.Reason // otherwise: the reason
	}{
		{"the tax service issues a foreign passport", from(issuers.FNS, "r1", ingest.DocumentIssued, map[string]any{"citizenId": "alice",
			"document": map[string]any{"type": "foreign_passport", "number": "76 1234567", "issuedOn": "2026-06-10"}}),
			errs.Invalid, "detail.document.type", ""},
		{"the traffic police revoke a typed internal passport", from(issuers.GIBDD, "r2", ingest.DocumentRevoked, revoke("internal_passport", "45 01 123456")),
			errs.Invalid, "detail.type", ""},
		{"the traffic police revoke mvd's foreign passport", from(issuers.GIBDD, "r3", ingest.DocumentRevoked, revoke("foreign_passport", "75 1234567")),
			errs.Invalid, "detail.type", ""},
		{"mvd revokes an internal passport the owner typed", from(issuers.MVD, "r4", ingest.DocumentRevoked, revoke("internal_passport", "45 01 123456")),
			errs.NotFound, "", ingest.ReasonDocumentNotFound},
		{"another issuer of the type revokes mvd's passport", from("mid", "r5", ingest.DocumentRevoked, revoke("foreign_passport", "75 1234567")),
			errs.NotFound, "", ingest.ReasonDocumentNotFound},
		{"a party not in the table", from("roscosmos", "r6", ingest.DocumentRevoked, revoke("foreign_passport", "75 1234567")),
			errs.Invalid, "detail.type", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Handle(e.ctx, tc.ev)
			if got, want := errs.KindOf(err), tc.kind; got != want {
				t.Fatalf("kind = %v, want %v (%v)", got, want, err)
			}
			if tc.field != "" && !hasField(err, tc.field, "not_issued_by_agency") {
				t.Errorf("err = %v, want %s not_issued_by_agency", err, tc.field)
			}
			if tc.reason != "" && errs.ReasonOf(err) != tc.reason {
				t.Errorf("reason = %q, want %q", errs.ReasonOf(err), tc.reason)
			}
		})
	}
	if after := e.items("alice"); !reflect.DeepEqual(before, after) {
		t.Fatal("a refused event changed the table")
	}

	t.Run("another issuer's replacement leaves mvd's passport alone", func(t *testing.T) {
		res, err := e.svc.Handle(e.ctx, from("mid", "r7", ingest.DocumentIssued, map[string]any{"citizenId": "alice",
			"replacesNumber": "75 1234567",
			"document":       map[string]any{"type": "foreign_passport", "number": "77 1234567", "issuedOn": "2026-06-10"}}))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := e.docs.GetDocument(e.ctx, "alice", byMVD.ID)
		if res.ReplacedID != "" || got.ArchivedAt != nil || got.Version != byMVD.Version {
			t.Errorf("replaced %q; mvd's passport now %+v", res.ReplacedID, got.Document)
		}
	})
	t.Run("mvd's issue archives the typed passport with a link, never revoking it", func(t *testing.T) {
		res, err := e.svc.Handle(e.ctx, from(issuers.MVD, "r8", ingest.DocumentIssued, map[string]any{"citizenId": "alice",
			"document": map[string]any{"type": "internal_passport", "number": "45 20 654321", "issuedOn": "2026-06-10"}}))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := e.docs.GetDocument(e.ctx, "alice", typed.ID)
		if res.ReplacedID != typed.ID || got.ArchivedAt == nil || got.ReplacedBy != res.DocumentID || got.RevokedAt != nil {
			t.Errorf("replaced %q; the typed passport now %+v", res.ReplacedID, got.Document)
		}
	})
	t.Run("mvd revokes the passport it issued", func(t *testing.T) {
		res, err := e.svc.Handle(e.ctx, from(issuers.MVD, "r9", ingest.DocumentRevoked, revoke("foreign_passport", "75 1234567")))
		if err != nil || res.Outcome != ingest.OutcomeApplied || res.DocumentID != byMVD.ID {
			t.Errorf("res = %+v, %v", res, err)
		}
	})
}

func hasField(err error, field, code string) bool {
	var e *errs.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field && f.Code == code {
			return true
		}
	}
	return false
}
