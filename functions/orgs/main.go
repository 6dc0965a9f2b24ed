// Command orgs is the Lambda serving consents and organisations' views of
// their employees' documents (/consents, /organizations/{orgId}/documents).
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
	orgshttp "github.com/kabinet/kabinet/shared/adapter/httpapi/orgs"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/orgstore"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

func main() {
	if err := run(context.Background(), os.Getenv, lambdahttp.Start); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.Orgs, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the function from its environment — configuration, clients,
// store, services, handler — and hands the handler to start
// (lambdahttp.Start, which serves it and never returns; a test passes its
// own). Errors: configuration, and a handler not serving exactly the
// function's routes.
func run(ctx context.Context, getenv func(string) string, start func(http.Handler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.Orgs)
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
	svc := &orgs.Service{Store: orgstore.New(docstore.New(st)), Now: time.Now, NewID: ids.New, Publisher: core.Publisher(cfg, cl)}
	api := httpapi.API{Log: log, Auth: lambdahttp.Authenticate, Audit: st, CursorKey: cfg.CursorKey, OriginSecret: cfg.OriginSecret}
	h, err := api.Handler(functions.Orgs, orgshttp.Handlers(svc, st, &stats.Service{Store: statsstore.New(st), Now: time.Now}))
	if err != nil {
		return err
	}
	start(h)
	return nil
}
