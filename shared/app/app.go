// Package app composes Kabinet's services from configuration. Every entry
// point (each Lambda's main, the local runner) builds its dependencies here,
// so wiring is written once. What the functions without the HTTP API need is
// in app/core, which they import alone so as not to link the HTTP handlers;
// this package re-exports it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

// Config is what a function reads from its environment (core.Config).
type Config = core.Config

// Clients are the AWS clients the services use (core.Clients).
type Clients = core.Clients

// ConfigFrom reads Config through getenv, all of it: what every function
// needs (the local runner serves every route). A function's own main reads
// ConfigFor its name instead.
func ConfigFrom(getenv func(string) string) (Config, error) { return ConfigFor("", getenv) }

// ConfigFor reads the Config function fn uses ("" for all functions). Only
// the functions that sign tickets (booking, or "") read TICKET_SIGNING_SEED:
// deriving the Ed25519 key is the costliest step of reading a Config (the
// first key derivation in a process takes about a millisecond), the stack
// gives the seed to booking alone, and another function must not fail to
// start on a variable it never uses.
func ConfigFor(fn string, getenv func(string) string) (Config, error) {
	c, err := core.ReadConfig(getenv)
	if err != nil || !signsTickets(fn) {
		return c, err
	}
	if seed := getenv("TICKET_SIGNING_SEED"); seed != "" {
		key, err := ticket.KeyFromSeed(seed)
		if err != nil {
			return c, fmt.Errorf("TICKET_SIGNING_SEED: %w", err)
		}
		c.TicketKey = key
	}
	return c, nil
}

// NewClients loads AWS configuration from the environment.
func NewClients(ctx context.Context) (Clients, error) { return core.NewClients(ctx) }

// Deps builds the HTTP dependencies of every route on the given clients.
// now is the clock every service reads; auth decides who is calling.
func Deps(c Config, cl Clients, now func() time.Time, log *slog.Logger, auth httpapi.Authenticator) httpapi.Deps {
	return DepsFor("", c, cl, now, log, auth)
}

// DepsFor builds only what the routes of function fn use ("" builds
// everything, as Deps does); the other services stay nil, which
// httpapi.Handler(d, fn) never reaches since it mounts fn's routes alone.
// A Lambda composes per function so that, say, documents builds no
// directory cache, booking service or ticket signer.
func DepsFor(fn string, c Config, cl Clients, now func() time.Time, log *slog.Logger, auth httpapi.Authenticator) httpapi.Deps {
	st := core.NewStore(c, cl, now)
	d := httpapi.Deps{Log: log, Auth: auth, Audit: st}
	all := fn == ""
	var docs *registry.Service
	// applications reads profiles and renews documents through the
	// registry, so it needs the document service too.
	if all || fn == httpapi.FnDocuments || fn == httpapi.FnProfile || fn == httpapi.FnApplications {
		docs = &registry.Service{Store: st, Now: now, NewID: ids.New, Renewal: applications.RenewalService}
		if c.Reminders != "" {
			docs.Contacts = &contacts{
				subs:  &notify.Subscriptions{SNS: cl.SNS, TopicARN: c.Reminders, DeadLetterARN: c.DeliveryDLQ},
				store: st,
			}
		}
		d.Documents = docs
	}
	if all || fn == httpapi.FnNotifications {
		d.Inbox = &inbox.Service{Store: st, Now: now}
	}
	if all || fn == httpapi.FnBooking {
		places := &directory.Cache{Load: st.LoadDirectory, Now: now}
		video := c.VideoBase
		if video == "" {
			video = DefaultVideoBase
		}
		d.Booking = httpapi.BookingDeps{
			Service:   &booking.Service{Store: st, Places: places, Now: now, NewID: ids.New, VideoBase: video},
			Directory: places,
			Signer:    ticket.Signer{Key: c.TicketKey},
		}
	}
	if all || fn == httpapi.FnApplications {
		d.Applications = core.ApplicationsService(c, cl, st, docs, now, log)
	}
	if all || fn == httpapi.FnOrgs {
		d.Orgs = core.OrgsService(c, cl, st, now)
	}
	return d
}

// signsTickets reports whether function fn ("" for all) serves the routes
// that sign booking QR codes.
func signsTickets(fn string) bool { return fn == "" || fn == httpapi.FnBooking }

// DefaultVideoBase is where video appointments take place when
// VIDEO_BASE_URL is not set.
const DefaultVideoBase = "https://video.kabinet.example/room"

// Orgs builds consents and organisations' views; with a reminders topic it
// can publish organisations' weekly digests (Service.Digest).
func Orgs(c Config, cl Clients, now func() time.Time) *orgs.Service { return core.Orgs(c, cl, now) }

// Ingest builds the agency-event ingestion (functions/ingest); an issued
// document closes the application it answers.
func Ingest(c Config, cl Clients, now func() time.Time, log *slog.Logger) *ingest.Service {
	return core.Ingest(c, cl, now, log)
}

// Scanner builds the expiry scan.
func Scanner(c Config, cl Clients, log *slog.Logger) (*reminders.Scanner, error) {
	return core.Scanner(c, cl, log)
}
