// Command documents is the Lambda serving the document registry routes
// (GET/POST /documents, /documents/{id}, archive, history, document types),
// documents' files and signatures, and sharing documents with institutions.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/documents"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/filestore"
	"github.com/kabinet/kabinet/shared/adapter/store/sharestore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/app/filing/shares"
	"github.com/kabinet/kabinet/shared/domain/applications/renewal"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func main() {
	if err := run(context.Background(), os.Getenv, lambdahttp.Start); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.Documents, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the function from its environment — configuration, clients,
// store, services, handler — and hands the handler to start
// (lambdahttp.Start, which serves it and never returns; a test passes its
// own). Errors: configuration, and a handler not serving exactly the
// function's routes.
func run(ctx context.Context, getenv func(string) string, start func(http.Handler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.Documents)
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
	// The type catalogue names the service renewing each type. Erasing a
	// document erases its files' records and its shares with it, in one
	// transaction (the files' objects first).
	ds := docstore.New(st, filestore.New(st).DocumentRecords, sharestore.New(st).DocumentRecords)
	docs := &registry.Service{Store: ds, Now: time.Now, NewID: ids.New, Renewal: renewal.Service, Counter: docstore.New(st)}
	// A document may belong to a dependent: its rules run on their birth
	// date, its messages name them.
	docs.Subjects = &family.Service{Store: familystore.New(st), Now: time.Now, NewID: ids.New, Today: family.HolderToday(docs, time.Now)}
	// Files in the bucket (none configured: their routes answer 503),
	// signatures checked against the trust anchors, the bundle in the
	// bucket read on the first check and refreshed (unreadable: 503);
	// erasing a document deletes its files' objects.
	fs := filing.FilesService(cfg, cl, st, docs, filing.SignatureVerifier(cfg, cl, time.Now), time.Now)
	shares := shares.Service(st, docs, fs, time.Now)
	api := httpapi.API{Log: log, Auth: lambdahttp.Authenticate, Audit: st, CursorKey: cfg.CursorKey, OriginSecret: cfg.OriginSecret}
	h, err := api.Handler(functions.Documents, documents.Handlers(docs, fs, shares))
	if err != nil {
		return err
	}
	start(h)
	return nil
}
