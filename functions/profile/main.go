// Command profile is the Lambda serving GET/PUT /profile and the
// verification of its contacts.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/profile"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/erasestore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/handoverstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/domain/erasure"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func main() {
	if err := run(context.Background(), os.Getenv, lambdahttp.Start); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.Profile, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the function from its environment — configuration, clients,
// store, services, handler — and hands the handler to start
// (lambdahttp.Start, which serves it and never returns; a test passes its
// own). Errors: configuration, and a handler not serving exactly the
// function's routes.
func run(ctx context.Context, getenv func(string) string, start func(http.Handler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.Profile)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
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
	// The profile subscribes people's contacts to the reminders topic and
	// sends their verification codes through it.
	docs := &registry.Service{Store: docstore.New(st), Now: time.Now, NewID: ids.New, Contacts: core.Contacts(cfg, cl, st),
		Verifications: st, Codes: core.Publisher(cfg, cl), Locator: st.Locator, Log: log}
	// The people the holder acts for: a dependent is removed only once no
	// document names them.
	// A grown-up child's documents are handed over to their own account
	// (handoverstore) here, when they redeem the holder's code.
	// A hand-over moves the grown-up's files' objects to their prefix in
	// the bucket with the documents.
	handovers := handoverstore.New(st, ids.New)
	if b := filing.Bucket(cfg, cl, time.Now); b != nil {
		handovers.Objects = b
	}
	fam := &family.Service{Store: familystore.New(st), Records: docstore.New(st), Now: time.Now, NewID: ids.New,
		Today: family.HolderToday(docs, time.Now), Zone: family.HolderZone(docs), Language: family.HolderLanguage(docs), Handovers: handovers}
	// The erasure of the account is asked for and followed here; its steps
	// run in the reminder worker (shared/app/erasing).
	erasures := &erasure.Service{Store: erasestore.New(st), Now: time.Now}
	api := httpapi.API{Log: log, Auth: lambdahttp.Authenticate, Audit: st, CursorKey: cfg.CursorKey, OriginSecret: cfg.OriginSecret}
	h, err := api.Handler(functions.Profile, profile.Handlers(docs, fam, erasures))
	if err != nil {
		return err
	}
	start(h)
	return nil
}
