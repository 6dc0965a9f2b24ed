package eventbridge_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// now is the fuzz target's clock; storage is down, so it only dates what
// the service would have written.
var now = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

// downStore is an ingest.Store whose every call fails as a store that
// cannot reach DynamoDB does: Unavailable. It counts the calls.
type downStore struct{ calls int }

var errDown = errs.E("fuzz.store", errs.Unavailable, errors.New("dynamodb unreachable"))

func (d *downStore) fail() error { d.calls++; return errDown }

func (d *downStore) GetProfile(context.Context, string) (registry.Profile, error) {
	return registry.Profile{}, d.fail()
}
func (d *downStore) PutProfile(context.Context, registry.Profile, int) error { return d.fail() }
func (d *downStore) CreateDocument(context.Context, registry.Document, registry.Event, *idempotency.Key) (registry.Document, bool, error) {
	return registry.Document{}, false, d.fail()
}
func (d *downStore) GetDocument(context.Context, string, string) (registry.Document, error) {
	return registry.Document{}, d.fail()
}
func (d *downStore) ListDocuments(context.Context, string, string, int) ([]registry.Document, string, error) {
	return nil, "", d.fail()
}
func (d *downStore) UpdateDocument(context.Context, registry.Document, int, registry.Event) error {
	return d.fail()
}
func (d *downStore) DeleteDocument(context.Context, string, string, func(context.Context) error) error {
	return d.fail()
}
func (d *downStore) ListHistory(context.Context, string, string, string, int) ([]registry.Event, string, error) {
	return nil, "", d.fail()
}
func (d *downStore) EventClaim(context.Context, string, string) (ingest.Claim, bool, error) {
	return ingest.Claim{}, false, d.fail()
}
func (d *downStore) ApplyEvent(context.Context, ingest.Write) (ingest.Claim, bool, error) {
	return ingest.Claim{}, false, d.fail()
}

var _ ingest.Store = (*downStore)(nil)

// FuzzEventBridgeEvent feeds arbitrary EventBridge envelopes to the ingest
// handler with storage down: it never panics; an event it refuses without
// touching storage is Invalid with the fields named; anything else is the
// store's Unavailable (Lambda retries it); never Internal, never success.
func FuzzEventBridgeEvent(f *testing.F) {
	var seeds []string
	for _, g := range []string{"../../../events/agency-*.json", "../../../events/scheduled-*.json"} {
		m, _ := filepath.Glob(g)
		seeds = append(seeds, m...)
	}
	if len(seeds) < 3 {
		f.Fatalf("seeds = %v", seeds)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"e1","source":"gov.agency.mvd","detail-type":"DocumentRevoked","detail":{"citizenId":"alice","agency":"mvd","type":"passport","number":"45 01 123456","reason":"lost"}}`))
	f.Add([]byte(`{"id":"e1","source":"gov.agency.mvd","detail-type":"DocumentIssued","detail":"not an object"}`))
	f.Add([]byte(`{"id":"e1","source":"gov.agency.mvd","detail-type":"DocumentIssued","detail":{"citizenId":"alice","agency":"mvd","document":{"type":"passport","number":"x","issuedOn":"2026-02-30"}}}`))

	f.Fuzz(func(t *testing.T, raw []byte) {
		var ev events.EventBridgeEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return // the Lambda runtime refuses what does not decode
		}
		st := &downStore{}
		svc := &ingest.Service{Store: st, Now: func() time.Time { return now }, NewID: func() string { return "0190a6b2-0000-7000-8000-000000000000" },
			Log: slog.New(slog.DiscardHandler)}
		res, err := eventbridge.Ingest(svc)(context.Background(), ev)
		if err == nil {
			t.Fatalf("storage is down, yet the event was applied: %+v", res)
		}
		switch k := errs.KindOf(err); k {
		case errs.Invalid:
			var e *errs.Error
			if !errors.As(err, &e) || len(e.Fields) == 0 {
				t.Fatalf("Invalid without field errors: %v", err)
			}
		case errs.Unavailable:
			if st.calls == 0 {
				t.Fatalf("Unavailable without a store call: %v", err)
			}
		default:
			t.Fatalf("error kind %v, want Invalid or Unavailable: %v", k, err)
		}
	})
}
