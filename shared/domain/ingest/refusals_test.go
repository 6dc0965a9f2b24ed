package ingest_test

import (
	"reflect"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// TestRevocationOfADocumentNotHeld: an agency revoking a document Kabinet
// does not hold for that person is NotFound with reason document_not_found
// (the issue may still arrive late, so the event is retried) and writes
// nothing. Someone else's document is not held either.
func TestRevocationOfADocumentNotHeld(t *testing.T) {
	e := newEnv(t)
	e.create("alice", "75 1234567")
	e.create("bob", "77 7654321")
	before := map[string]any{"alice": e.items("alice"), "bob": e.items("bob")}
	for _, tc := range []struct {
		name, citizen, typ, number string
	}{
		{"a number alice never held", "alice", "foreign_passport", "79 9999999"},
		{"alice's number, but of another type", "alice", "internal_passport", "75 1234567"},
		{"bob's document, named for alice", "alice", "foreign_passport", "77 7654321"},
		{"alice's document, named for a person with nothing", "carol", "foreign_passport", "75 1234567"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := event("nf-"+tc.citizen+"-"+tc.typ+"-"+tc.number[:2], ingest.DocumentRevoked, map[string]any{
				"citizenId": tc.citizen, "agency": "mvd", "type": tc.typ, "number": tc.number, "reason": "Утрачен"})
			_, err := e.svc.Handle(e.ctx, ev)
			if got, want := errs.KindOf(err), errs.NotFound; got != want {
				t.Fatalf("kind = %v, want %v (%v)", got, want, err)
			}
			if got, want := string(errs.ReasonOf(err)), "document_not_found"; got != want {
				t.Errorf("reason = %q, want %q", got, want)
			}
			if _, found, err := e.store.EventClaim(e.ctx, tc.citizen, ev.ID); err != nil || found {
				t.Errorf("a refused event was claimed (found %v, %v): its retry would be a duplicate", found, err)
			}
		})
	}
	after := map[string]any{"alice": e.items("alice"), "bob": e.items("bob")}
	if !reflect.DeepEqual(before, after) {
		t.Error("a refused revocation changed the table")
	}
	if got := e.items("carol"); len(got) != 0 {
		t.Errorf("a refused revocation wrote %d items for carol", len(got))
	}
}
