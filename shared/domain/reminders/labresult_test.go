package reminders_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// TestLabResultIsToldOnTheChannelsOnce (issue 16): a lab result that
// arrives in the night is in the cabinet at once and goes out by SMS and
// e-mail once, at 09:00 in the person's zone (never in the quiet hours),
// through the due index's outbox like an application's status change; a
// redelivered event sends nothing more.
func TestLabResultIsToldOnTheChannelsOnce(t *testing.T) {
	e := newEnv(t)
	bucket := testenv.Bucket(t, e.cl, "labmsg")
	sub := "lab-patient"
	e.person(sub, "Europe/Moscow")
	// 03:00 in Moscow: within the quiet hours
	night := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return night }
	svc := &ingest.Service{Store: e.store, Now: now, NewID: ids.New, Log: slog.New(slog.DiscardHandler),
		Labs: &ingest.Labs{Objects: objects.New(e.cl.AWS, bucket, true, now)}}
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	if err := objects.New(e.cl.AWS, bucket, true, now).Put(e.ctx, "staging/helix/r1.pdf", files.TypePDF, pdf); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	detail, _ := json.Marshal(map[string]string{"citizenId": sub, "lab": "helix", "kind": "blood_test", "title": "Blood count",
		"takenOn": "2026-11-23", "object": "staging/helix/r1.pdf", "sha256": hex.EncodeToString(sum[:])})
	ev := ingest.Event{ID: "lab-msg-1", Source: "gov.lab.helix", DetailType: ingest.LabResultIssued, Time: night, Detail: detail}
	res, err := svc.Handle(e.ctx, ev)
	if err != nil || res.Outcome != ingest.OutcomeApplied {
		t.Fatalf("Handle = %+v, %v; want applied", res, err)
	}
	count := func(step string, want int) {
		t.Helper()
		got := e.drain()
		if len(got) != want {
			t.Errorf("%s: %d messages, want %d: %v", step, len(got), want, got)
		}
		for _, m := range got {
			if m.Attrs["userId"] != sub || m.Attrs["kind"] != ingest.KindLabResult {
				t.Errorf("%s: message attributes %v", step, m.Attrs)
			}
		}
		if chans := channels(got); want == 2 && !slices.Equal(chans, []string{"email", "sms"}) {
			t.Errorf("%s: channels %v, want email and sms", step, chans)
		}
	}
	count("at ingest", 0)
	e.scan("2026-11-24T05:59:00Z") // 08:59 in Moscow
	count("scan in the quiet hours", 0)
	e.scan("2026-11-24T06:00:00Z") // 09:00
	count("scan at 09:00", 2)
	if again, err := svc.Handle(e.ctx, ev); err != nil || again.Outcome != ingest.OutcomeDuplicate {
		t.Fatalf("redelivered: %+v, %v; want duplicate", again, err)
	}
	e.scan("2026-11-24T06:15:00Z")
	count("a later scan, after a redelivery", 0)
}
