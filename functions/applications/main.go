// Command applications is the Lambda of applications for government
// services: the service catalogue, drafts, validation, submission with a
// receipt number, the applicant's status queries and withdrawal, and the
// agency staff's queue and transitions.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	applicationshttp "github.com/kabinet/kabinet/shared/adapter/httpapi/applications"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
	"github.com/kabinet/kabinet/shared/adapter/pades"
	"github.com/kabinet/kabinet/shared/adapter/store/appstore"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing/attach"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/stats"
	"github.com/kabinet/kabinet/shared/domain/stats/agencystats"
	"github.com/kabinet/kabinet/shared/domain/workdays"
)

func main() {
	if err := run(context.Background(), os.Getenv, lambdahttp.Start); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.Applications, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the function from its environment — configuration, clients,
// store, services, handler — and hands the handler to start
// (lambdahttp.Start, which serves it and never returns; a test passes its
// own). Errors: configuration, and a handler not serving exactly the
// function's routes.
func run(ctx context.Context, getenv func(string) string, start func(http.Handler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.Applications)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return err
	}
	// A decision term reaching a year the production calendar lacks stops
	// the start, not a citizen's submission (CheckTerms).
	if err := applications.CheckTerms(workdays.Default(), civil.Of(time.Now().UTC())); err != nil {
		return err
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	// The keys the stack keeps in Secrets Manager: read once, at start.
	if err := core.LoadSecrets(ctx, getenv, cl, &cfg); err != nil {
		return err
	}
	st := core.NewStore(cfg, cl, time.Now)
	// Applications reads profiles and renews documents through the
	// registry, writes every status change's message to the outbox (the
	// reminder pipeline sends it: this function never publishes), and
	// checks an invitation's office against the directory.
	docs := &registry.Service{Store: docstore.New(st), Now: time.Now, NewID: ids.New}
	apps := &applications.Service{Store: appstore.New(st), Profiles: docs, Documents: docs, Renewals: docs, Open: appstore.New(st), Now: time.Now, NewID: ids.New, Locator: st.Locator,
		Log: log, Places: &directory.Cache{Load: bookingstore.New(st).LoadDirectory, Now: time.Now}}
	// An application may be filed for a dependent: it carries their data.
	// An answer to a request for information links the applicant's files,
	// which the agency's staff download.
	apps.Files = attach.New(cfg, cl, st, time.Now)
	apps.Subjects = &family.Service{Store: familystore.New(st), Now: time.Now, NewID: ids.New, Today: family.HolderToday(docs, time.Now)}
	// Receipts are signed as booking confirmations are, with the same key
	// from the stack's secret; a malformed pair is logged and they go
	// unsigned. Only the certificate is parsed here: the PDF itself is
	// made when a receipt is asked for.
	var pdf applicationshttp.PDFSigner
	if len(cfg.PDFSigningCert) > 0 {
		if ps, err := pades.New(cfg.PDFSigningCert, cfg.PDFSigningKey); err == nil {
			pdf = ps
		} else {
			log.Error("PDF signing key unreadable; receipts go unsigned", "error", err)
		}
	}
	api := httpapi.API{Log: log, Auth: lambdahttp.Authenticate, Audit: st, CursorKey: cfg.CursorKey, OriginSecret: cfg.OriginSecret}
	h, err := api.Handler(functions.Applications, applicationshttp.Handlers(apps, pdf, agencystats.Service{Service: &stats.Service{Store: statsstore.New(st), Now: time.Now}}))
	if err != nil {
		return err
	}
	start(h)
	return nil
}
