package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
)

// scanEvent is events/guardduty-malware-scan-result.json about key with
// GuardDuty's status.
func scanEvent(t *testing.T, key, status string) events.EventBridgeEvent {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "guardduty-malware-scan-result.json"))
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
	d["s3ObjectDetails"].(map[string]any)["objectKey"] = key
	d["scanResultDetails"].(map[string]any)["scanResultStatus"] = status
	ev.Detail, _ = json.Marshal(d)
	return ev
}

// TestMalwareScanVerdicts: where a scanner watches the bucket, a completed
// file waits in pending_scan with no download; clean makes it ready, a
// threat makes it infected for good, never downloadable, and its owner is
// told once however often the event comes.
func TestMalwareScanVerdicts(t *testing.T) {
	tests := []struct {
		name       string
		status     string // GuardDuty scanResultStatus
		beforeDone bool   // the verdict arrives before the owner completes
		want       files.Status
		download   bool
	}{
		{"clean", "NO_THREATS_FOUND", false, files.StatusReady, true},
		{"threat", "THREATS_FOUND", false, files.StatusInfected, false},
		{"could not scan", "UNSUPPORTED", false, files.StatusPendingScan, false},
		{"clean before complete", "NO_THREATS_FOUND", true, files.StatusReady, true},
		{"threat before complete", "THREATS_FOUND", true, files.StatusInfected, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newFilesEnv(t)
			e.svc.Scanning = true
			ctx := context.Background()
			doc := e.mustDocument(t, "alice")
			up, _, err := e.svc.Begin(ctx, "alice", doc, files.BeginInput{Name: "скан.pdf", ContentType: files.TypePDF, Size: int64(len(scanPDF)), SHA256: hexSum(scanPDF)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if code := upload(t, up.Upload, scanPDF); code != http.StatusOK {
				t.Fatalf("PUT = %d", code)
			}
			apply := func() {
				t.Helper()
				r, err := eventbridge.DecodeScanResult(scanEvent(t, up.File.Key, tt.status))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.svc.ApplyScan(ctx, r.Key, r.Verdict, "ru"); err != nil {
					t.Fatal(err)
				}
			}
			if tt.beforeDone {
				apply()
			}
			f, err := e.svc.Complete(ctx, "alice", doc, up.File.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.beforeDone {
				if f.Status != files.StatusPendingScan {
					t.Fatalf("status after complete = %s, want pending_scan", f.Status)
				}
				if d, _ := e.svc.Get(ctx, "alice", doc, f.ID); d.Download != nil {
					t.Fatal("a download URL before the scan answered")
				}
				apply()
			}
			apply() // redelivered
			d, err := e.svc.Get(ctx, "alice", doc, up.File.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.File.Status != tt.want || (d.Download != nil) != tt.download {
				t.Fatalf("after the verdict: %s, download %v; want %s, %v", d.File.Status, d.Download != nil, tt.want, tt.download)
			}
			notes, _, err := e.st.ListNotifications(ctx, "alice", false, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			wantNotes := 0
			if tt.want == files.StatusInfected {
				wantNotes = 1
				if _, err := e.svc.AddSignature(ctx, "alice", doc, up.File.ID, []byte{0x30}); errs.ReasonOf(err) != files.ReasonNotDownloadable {
					t.Errorf("signing an infected file: %v, want file_not_downloadable", err)
				}
			}
			if len(notes) != wantNotes || (wantNotes == 1 && notes[0].Kind != files.KindFileInfected) {
				t.Errorf("inbox = %+v, want %d file_infected notice", notes, wantNotes)
			}
		})
	}
	t.Run("a key of no file", func(t *testing.T) {
		e := newFilesEnv(t)
		if _, err := e.svc.ApplyScan(context.Background(), "staging/lab/x.pdf", files.VerdictClean, "ru"); !errs.Is(err, errs.NotFound) {
			t.Errorf("ApplyScan on a staging key: %v, want NotFound", err)
		}
	})
}
