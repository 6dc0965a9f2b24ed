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
	"strings"
	"sync"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	bookinghttp "github.com/kabinet/kabinet/shared/adapter/httpapi/booking"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
	"github.com/kabinet/kabinet/shared/adapter/pades"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/stats"
	"github.com/kabinet/kabinet/shared/domain/stats/inststats"
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
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	// The keys the stack keeps in Secrets Manager: read once, at start.
	if err := core.LoadSecrets(ctx, getenv, cl, &cfg); err != nil {
		return err
	}
	// Only booking signs tickets: it alone gets (and reads) the seed.
	signer, err := ticketSigner(cfg.TicketSecret)
	if err != nil {
		return err
	}
	st := core.NewStore(cfg, cl, time.Now)
	bk := bookingstore.New(st)
	places := &directory.Cache{Load: bk.LoadDirectory, Now: time.Now}
	// A booking may be for a dependent (the patient): their birth date
	// meets the specialist's age bounds, and the per-person rules count
	// per patient.
	patients := &family.Service{Store: familystore.New(st), Now: time.Now, NewID: ids.New, Today: family.HolderToday(st, time.Now)}
	d := bookinghttp.Deps{
		Service: &booking.Service{Store: bk, Places: places, Profiles: st, Now: time.Now, NewID: ids.New, Locator: st.Locator, VideoBase: cfg.VideoBase,
			Absences: bk, Waits: bk, Patients: patients},
		Directory: places,
		Signer:    signer,
		// The caller's language for downloads and checklists when the
		// request names none: the profile's.
		Profiles: st,
		// The institution's dashboard, for its managers.
		Stats: inststats.Service{Service: &stats.Service{Store: statsstore.New(st), Now: time.Now}, Places: places},
	}
	// Confirmation PDFs are signed when the stack's secret holds a
	// certificate and key; a malformed pair is logged and they go unsigned.
	if len(cfg.PDFSigningCert) > 0 {
		if ps, err := pades.New(cfg.PDFSigningCert, cfg.PDFSigningKey); err == nil {
			d.PDFSigner = ps
		} else {
			log.Error("PDF signing key unreadable; confirmations go unsigned", "error", err)
		}
	}
	api := httpapi.API{Log: log, Auth: lambdahttp.Authenticate, Audit: st, CursorKey: cfg.CursorKey, OriginSecret: cfg.OriginSecret}
	h, err := api.Handler(functions.Booking, bookinghttp.Handlers(d))
	if err != nil {
		return err
	}
	start(h)
	return nil
}

// ticketSigner checks the ticket signing secret b64 (TICKET_SIGNING_SEED,
// or the secret TICKET_SIGNING_SECRET_ARN names: a base64 seed, or a key
// ring's JSON, see ticket.ParseKeyRing) and returns the signer
// of booking QR codes, which makes its key from the seed the first time it
// is asked for (ticket.SeedFrom says why not now). Without the variable the
// signer has no key, and the QR and PDF routes fail. Errors: a malformed
// seed (named TICKET_SIGNING_SEED whichever way it came).
func ticketSigner(b64 string) (func() ticket.Signer, error) {
	if b64 == "" {
		return func() ticket.Signer { return ticket.Signer{} }, nil
	}
	if strings.HasPrefix(strings.TrimSpace(b64), "{") {
		// A key ring in rotation (ticket.ParseKeyRing): its current key
		// signs, under its id. Rings are rare and small: derived now.
		ring, err := ticket.ParseKeyRing(b64)
		if err != nil {
			return nil, fmt.Errorf("TICKET_SIGNING_SEED: %w", err)
		}
		return func() ticket.Signer { return ring.Signer() }, nil
	}
	seed, err := ticket.SeedFrom(b64)
	if err != nil {
		return nil, fmt.Errorf("TICKET_SIGNING_SEED: %w", err)
	}
	return sync.OnceValue(func() ticket.Signer { return ticket.Signer{Key: ed25519.NewKeyFromSeed(seed)} }), nil
}
