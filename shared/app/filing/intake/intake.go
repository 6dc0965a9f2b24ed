// Package intake composes what comes into people's files from outside, for
// the ingest function and for package app: laboratories' results (read
// from their staging prefix, signatures verified) and GuardDuty's malware
// verdicts. Apart from package filing, so the documents function links
// neither the ingest domain nor the inbox's store.
package intake

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/inboxstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Labs reads laboratories' staged results from c.FilesBucket for the
// ingest service, verifying their signatures against the trust anchors'
// bundle in the bucket; nil without a bucket (LabResultIssued is then
// refused). Without a bundle configured, results go unverified; with one
// that cannot be read, their events are retried.
func Labs(c core.Config, cl core.Clients, now func() time.Time, log *slog.Logger) *ingest.Labs {
	b := filing.Bucket(c, cl, now)
	if b == nil {
		return nil
	}
	labs := &ingest.Labs{Objects: b, Scanning: c.FilesScanned}
	if v := filing.SignatureVerifier(c, cl, now); v != nil {
		labs.Verifier = v
	}
	return labs
}

// ScanVerdicts builds the handler of GuardDuty's scan results for the
// ingest function: nil without a files bucket.
func ScanVerdicts(c core.Config, cl core.Clients, now func() time.Time) func(context.Context, events.EventBridgeEvent) (ingest.Result, error) {
	if c.FilesBucket == "" {
		return nil
	}
	st := core.NewStore(c, cl, now)
	docs := &registry.Service{Store: docstore.New(st), Now: now, NewID: ids.New}
	fs := filing.FilesService(c, cl, st, docs, nil, now)
	fs.Inbox = inboxstore.New(st) // an infected file is told to its owner
	return eventbridge.ScanVerdicts(fs, func(ctx context.Context, owner string) string {
		if p, err := docs.GetProfile(ctx, owner); err == nil {
			return p.Language
		}
		return registry.DefaultLanguage
	})
}
