package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// labEvent is events/lab-result-issued.json with its id, object and hash set.
func labEvent(t *testing.T, id, object, sum string) events.EventBridgeEvent {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "lab-result-issued.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(ev.Detail, &d); err != nil {
		t.Fatal(err)
	}
	d["object"], d["sha256"] = object, sum
	ev.ID = id
	ev.Detail, _ = json.Marshal(d)
	return ev
}

// TestLabResultEndToEnd: a laboratory stages a file and sends the event;
// ingest checks it and creates a lab_result document with its file and an
// inbox notice, once however often the event comes. A hash mismatch or a
// missing object is rejected for operators and leaves nothing behind.
func TestLabResultEndToEnd(t *testing.T) {
	cl, table := testenv.Table(t, "labs")
	bucket := testenv.Bucket(t, cl, "labs")
	cfg := core.Config{Table: table, FilesBucket: bucket, PathStyle: true}
	svc := app.Ingest(cfg, cl, time.Now, slog.New(slog.DiscardHandler))
	handle := eventbridge.Ingest(svc)
	st := allstore.Of(core.NewStore(cfg, cl, time.Now))
	docs := &registry.Service{Store: st, Now: time.Now}
	fsvc := filing.FilesService(cfg, cl, st.Store, docs, nil, time.Now)
	lab := objects.New(cl.AWS, bucket, true, time.Now)
	ctx := context.Background()

	if err := lab.Put(ctx, "staging/invitro/r1.pdf", files.TypePDF, scanPDF); err != nil {
		t.Fatal(err)
	}
	ev := labEvent(t, "lab-ev-1", "staging/invitro/r1.pdf", hexSum(scanPDF))
	res, err := handle(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != ingest.OutcomeApplied || res.DocumentID == "" {
		t.Fatalf("Handle = %+v, want applied with a document", res)
	}
	v, err := docs.GetDocument(ctx, "alice", res.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Document.Type != registry.LabResult || v.Document.Title != "Общий анализ крови" {
		t.Errorf("document = %+v, want the lab result", v.Document)
	}
	fl, err := fsvc.List(ctx, "alice", res.DocumentID)
	if err != nil || len(fl) != 1 || fl[0].SHA256 != hexSum(scanPDF) || fl[0].ContentType != files.TypePDF {
		t.Fatalf("files = %+v, %v; want the staged PDF", fl, err)
	}
	if d, err := fsvc.Get(ctx, "alice", res.DocumentID, fl[0].ID); err != nil || d.Download == nil {
		t.Errorf("download: %+v, %v; want a URL (not scanned locally)", d, err)
	}
	notes, _, _ := st.ListNotifications(ctx, "alice", false, "", 10)
	if len(notes) != 1 || notes[0].Kind != ingest.KindLabResult {
		t.Errorf("inbox = %+v, want one lab_result notice", notes)
	}
	again, err := handle(ctx, ev)
	if err != nil || again.Outcome != ingest.OutcomeDuplicate || again.DocumentID != res.DocumentID {
		t.Errorf("redelivered: %+v, %v; want duplicate naming the same document", again, err)
	}
	if page, _ := docs.ListDocuments(ctx, "alice", registry.ListFilter{}); len(page.Items) != 1 {
		t.Errorf("documents after a redelivery: %d, want 1", len(page.Items))
	}

	for _, tt := range []struct {
		name, id, object, sum, reason string
	}{
		{"hash mismatch", "lab-ev-2", "staging/invitro/r1.pdf", hexSum(scanPNG), ingest.RejectSHA256Mismatch},
		{"missing object", "lab-ev-3", "staging/invitro/nothing.pdf", hexSum(scanPDF), ingest.RejectObjectMissing},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := handle(ctx, labEvent(t, tt.id, tt.object, tt.sum))
			if err != nil {
				t.Fatalf("Handle: %v, want no error (not retryable)", err)
			}
			if res.Outcome != ingest.OutcomeRejected || res.Reason != tt.reason {
				t.Fatalf("Handle = %+v, want rejected %s", res, tt.reason)
			}
			c, ok, err := st.EventClaim(ctx, "alice", tt.id)
			if err != nil || !ok || c.Reason != tt.reason {
				t.Errorf("claim for operators = %+v, %v, %v; want the reason recorded", c, ok, err)
			}
			if page, _ := docs.ListDocuments(ctx, "alice", registry.ListFilter{}); len(page.Items) != 1 {
				t.Errorf("documents: %d, want still 1", len(page.Items))
			}
			var kept int
			for _, k := range testenv.Objects(t, cl, bucket) {
				if strings.HasPrefix(k, "files/") {
					kept++
				}
			}
			if kept != 1 {
				t.Errorf("file objects: %d, want only the first result's", kept)
			}
		})
	}
	// Refused before anything is read or written: the event can never
	// apply (Lambda's retries then park it in the dead-letter queue).
	for _, tt := range []struct {
		name, field, code string
		ev                events.EventBridgeEvent
	}{
		{"an object outside the laboratory's prefix", "detail.object", "outside_lab_prefix",
			labEvent(t, "lab-ev-4", "staging/other-lab/r1.pdf", hexSum(scanPDF))},
		{"a laboratory not in the table", "detail.lab", "unknown_laboratory",
			withLab(labEvent(t, "lab-ev-5", "staging/nolab/r1.pdf", hexSum(scanPDF)), "nolab")},
		{"a laboratory speaking for another", "detail.lab", "source_mismatch",
			withSource(labEvent(t, "lab-ev-6", "staging/invitro/r1.pdf", hexSum(scanPDF)), "gov.lab.helix")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := handle(ctx, tt.ev)
			if !errs.Is(err, errs.Invalid) || !hasFieldError(err, tt.field, tt.code) {
				t.Fatalf("Handle: %v, want invalid %s %s", err, tt.field, tt.code)
			}
			if _, ok, _ := st.EventClaim(ctx, "alice", tt.ev.ID); ok {
				t.Error("a refused event was claimed")
			}
		})
	}
	if page, _ := docs.ListDocuments(ctx, "alice", registry.ListFilter{}); len(page.Items) != 1 {
		t.Errorf("documents after the refused events: %d, want 1", len(page.Items))
	}
}

// TestLabSampleEventMatchesTheTable: the sample lab event reaches ingest by
// the function table's rule, the same one the stack deploys and the local
// runner routes /dev/events by.
func TestLabSampleEventMatchesTheTable(t *testing.T) {
	ev := labEvent(t, "x", "staging/invitro/x.pdf", hexSum(scanPDF))
	if got := functions.EventTargets(functions.AgenciesBus, ev.Source, ev.DetailType); !slices.Equal(got, []string{functions.Ingest}) {
		t.Errorf("events/lab-result-issued.json reaches %v, want ingest", got)
	}
}

func withLab(ev events.EventBridgeEvent, lab string) events.EventBridgeEvent {
	var d map[string]any
	_ = json.Unmarshal(ev.Detail, &d)
	d["lab"] = lab
	ev.Detail, _ = json.Marshal(d)
	ev.Source = ingest.LabSourcePrefix + lab
	return ev
}

func withSource(ev events.EventBridgeEvent, source string) events.EventBridgeEvent {
	ev.Source = source
	return ev
}

func hasFieldError(err error, field, code string) bool {
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
