// Command booking is the Lambda of the electronic registry: institutions,
// specialists, free slots, bookings with their QR, PDF and calendar file,
// the visit journal, and the staff routes (schedules, day lists, visits).
package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	bookinghttp "github.com/kabinet/kabinet/shared/adapter/httpapi/booking"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

func main() {
	if err := run(context.Background(), os.Getenv, lambdahttp.Start); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.Booking, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the function from its environment — configuration, clients,
// store, services, handler — and hands the handler to start
// (lambdahttp.Start, which serves it and never returns; a test passes its
// own). Errors: configuration, and a handler not serving exactly the
// function's routes.
func run(ctx context.Context, getenv func(string) string, start func(http.Handler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.Booking)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return err
	}
	// Only booking signs tickets: it alone gets (and reads) the seed.
	key, err := ticketKey(getenv)
	if err != nil {
		return err
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	st := core.NewStore(cfg, cl, time.Now)
	places := &directory.Cache{Load: st.LoadDirectory, Now: time.Now}
	d := bookinghttp.Deps{
		Service:   &booking.Service{Store: st, Places: places, Now: time.Now, NewID: ids.New, VideoBase: cfg.VideoBase},
		Directory: places,
		Signer:    ticket.Signer{Key: key},
	}
	api := httpapi.API{Log: log, Auth: lambdahttp.Authenticate, Audit: st}
	h, err := api.Handler(functions.Booking, bookinghttp.Handlers(d))
	if err != nil {
		return err
	}
	start(h)
	return nil
}

// ticketKey derives the key signing booking QR codes from
// TICKET_SIGNING_SEED (base64); none without the variable, and the QR and
// PDF routes then fail. Errors: a malformed seed.
func ticketKey(getenv func(string) string) (ed25519.PrivateKey, error) {
	seed := getenv("TICKET_SIGNING_SEED")
	if seed == "" {
		return nil, nil
	}
	key, err := ticket.KeyFromSeed(seed)
	if err != nil {
		return nil, fmt.Errorf("TICKET_SIGNING_SEED: %w", err)
	}
	return key, nil
}
