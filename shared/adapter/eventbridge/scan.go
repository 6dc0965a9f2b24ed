package eventbridge

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// ScanResultDetailType is the detail-type of GuardDuty Malware Protection
// for S3's verdict on one object (events/guardduty-malware-scan-result.json).
const ScanResultDetailType = "GuardDuty Malware Protection Object Scan Result"

// IsScanResult reports whether ev is a GuardDuty Malware Protection scan
// result (source aws.guardduty, ScanResultDetailType), which reaches the
// ingest function by a rule of its own on the default bus.
func IsScanResult(ev events.EventBridgeEvent) bool {
	return ev.Source == "aws.guardduty" && ev.DetailType == ScanResultDetailType
}

// ScanResult is what Kabinet reads of a GuardDuty scan result.
type ScanResult struct {
	Bucket  string
	Key     string
	Verdict files.Verdict
}

// DecodeScanResult reads a GuardDuty Malware Protection scan result event.
// scanResultStatus NO_THREATS_FOUND is clean, THREATS_FOUND infected, and
// anything else (UNSUPPORTED, ACCESS_DENIED, FAILED) unscanned.
// Errors: not such an event, or no bucket or key.
func DecodeScanResult(ev events.EventBridgeEvent) (ScanResult, error) {
	if !IsScanResult(ev) {
		return ScanResult{}, fmt.Errorf("eventbridge: %s/%s is not a GuardDuty scan result", ev.Source, ev.DetailType)
	}
	var d struct {
		S3 struct {
			Bucket string `json:"bucketName"`
			Key    string `json:"objectKey"`
		} `json:"s3ObjectDetails"`
		Result struct {
			Status string `json:"scanResultStatus"`
		} `json:"scanResultDetails"`
	}
	if err := json.Unmarshal(ev.Detail, &d); err != nil {
		return ScanResult{}, fmt.Errorf("eventbridge: scan result detail: %w", err)
	}
	if d.S3.Bucket == "" || d.S3.Key == "" {
		return ScanResult{}, fmt.Errorf("eventbridge: scan result without bucket or key")
	}
	r := ScanResult{Bucket: d.S3.Bucket, Key: d.S3.Key, Verdict: files.VerdictUnscanned}
	switch d.Result.Status {
	case "NO_THREATS_FOUND":
		r.Verdict = files.VerdictClean
	case "THREATS_FOUND":
		r.Verdict = files.VerdictInfected
	}
	return r, nil
}

// ScanVerdicts applies scan results to files: the verdict lands on the file
// at the object's key. lang gives the owner's language for the notice. An
// object that is no file's (a laboratory's staged upload, a file erased
// since) is answered unchanged: there is nothing to mark.
func ScanVerdicts(fs *files.Service, lang func(ctx context.Context, owner string) string) func(context.Context, events.EventBridgeEvent) (ingest.Result, error) {
	return func(ctx context.Context, ev events.EventBridgeEvent) (ingest.Result, error) {
		r, err := DecodeScanResult(ev)
		if err != nil {
			return ingest.Result{}, err
		}
		res := ingest.Result{EventID: ev.ID, DetailType: ev.DetailType, Outcome: ingest.OutcomeApplied}
		owner, _, _, ok := files.ParseKey(r.Key)
		if !ok {
			res.Outcome = ingest.OutcomeUnchanged
			return res, nil
		}
		_, err = fs.ApplyScan(ctx, r.Key, r.Verdict, lang(ctx, owner))
		if errs.Is(err, errs.NotFound) {
			res.Outcome = ingest.OutcomeUnchanged
			return res, nil
		}
		return res, err
	}
}

// Events is the ingest function's one handler for every rule that invokes
// it: GuardDuty's scan results go to ScanVerdicts (when scans is set),
// everything else to Ingest.
func Events(s *ingest.Service, scans func(context.Context, events.EventBridgeEvent) (ingest.Result, error)) func(context.Context, events.EventBridgeEvent) (ingest.Result, error) {
	agencies := Ingest(s)
	return func(ctx context.Context, ev events.EventBridgeEvent) (ingest.Result, error) {
		if ev.Source == "aws.guardduty" && scans != nil {
			return scans(ctx, ev)
		}
		return agencies(ctx, ev)
	}
}
