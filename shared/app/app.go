// Package app composes every function in one process: the local runner
// (cmd/local), the tests and the benchmark serve every route from Services,
// and run the expiry scan and the agency-event ingestion from Scanner and
// Ingest. The wiring is the functions' own: each Lambda composes its
// services in its main (functions/<name>) from package core in the same
// way, and never imports this package, which links every function's
// handlers.
package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	applicationshttp "github.com/kabinet/kabinet/shared/adapter/httpapi/applications"
	bookinghttp "github.com/kabinet/kabinet/shared/adapter/httpapi/booking"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/documents"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/notifications"
	orgshttp "github.com/kabinet/kabinet/shared/adapter/httpapi/orgs"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/profile"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/pades"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/adapter/store/handoverstore"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/deadlines"
	"github.com/kabinet/kabinet/shared/app/erasing"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/app/filing/attach"
	"github.com/kabinet/kabinet/shared/app/filing/intake"
	"github.com/kabinet/kabinet/shared/app/filing/shares"
	"github.com/kabinet/kabinet/shared/app/pipeline"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/applications/renewal"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/erasure"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
	"github.com/kabinet/kabinet/shared/domain/sharing"
	"github.com/kabinet/kabinet/shared/domain/stats"
	"github.com/kabinet/kabinet/shared/domain/stats/agencystats"
	"github.com/kabinet/kabinet/shared/domain/stats/inststats"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

// Services are the services of every HTTP function.
type Services struct {
	Documents    *registry.Service // documents and profile
	Family       *family.Service   // the people a holder acts for (profile)
	Erasure      *erasure.Service  // the account's erasure asked for and followed (profile; its steps run in the Worker)
	Files        *files.Service    // documents' electronic copies
	Sharing      *sharing.Service  // documents shown to institutions
	Inbox        *inbox.Service
	Booking      bookinghttp.Deps
	Applications *applications.Service
	// PDFSigner signs the PDFs Kabinet issues (confirmations, receipts);
	// nil leaves them unsigned.
	PDFSigner bookinghttp.PDFSigner
	Orgs      *orgs.Service
	// Stats reads the managers' dashboards' counters (the applications,
	// booking and orgs functions each serve their scope's).
	Stats *stats.Service
	// Profiles gives downloads and bookings the caller's language when a
	// request names none (the store, as in the booking and orgs
	// functions).
	Profiles httpapi.Profiles
}

// NewServices builds every HTTP function's services on st, as the
// functions' mains do; now is the clock every service reads. ticketKey signs
// booking QR codes; without one the QR and PDF routes fail, as the booking
// function does without its seed. Files live in c.FilesBucket (none: their
// routes answer 503), signatures are checked against the bundle at
// c.TrustAnchorsKey there and
// confirmation PDFs signed with c.PDFSigningCert and Key when given, as the
// documents and booking functions do.
func NewServices(c core.Config, cl core.Clients, st *allstore.Store, ticketKey ed25519.PrivateKey, now func() time.Time, log *slog.Logger) Services {
	docs := &registry.Service{Store: st, Now: now, NewID: ids.New, Contacts: core.Contacts(c, cl, st.Store),
		Verifications: st.Store, Codes: core.Publisher(c, cl), Locator: st.Locator, Log: log, Renewal: renewal.Service, Counter: st}
	fam := Family(st, now)
	fam.Records = st
	if b := filing.Bucket(c, cl, now); b != nil {
		// a grown-up's hand-over moves their files' objects with the documents
		fam.Handovers.(*handoverstore.Store).Objects = b
	}
	docs.Subjects = fam
	places := &directory.Cache{Load: st.LoadDirectory, Now: now}
	video := c.VideoBase
	if video == "" {
		video = core.DefaultVideoBase
	}
	fs := filing.FilesService(c, cl, st.Store, docs, filing.SignatureVerifier(c, cl, now), now)
	var pdf bookinghttp.PDFSigner
	if len(c.PDFSigningCert) > 0 {
		if ps, err := pades.New(c.PDFSigningCert, c.PDFSigningKey); err == nil {
			pdf = ps
		} else if log != nil {
			log.Error("PDF signing key unreadable; confirmations go unsigned", "error", err)
		}
	}
	dashboards := &stats.Service{Store: statsstore.New(st.Store), Now: now}
	return Services{
		Documents: docs,
		Family:    fam,
		Erasure:   &erasure.Service{Store: st, Now: now},
		Files:     fs,
		Sharing:   shares.Service(st.Store, docs, fs, now),
		Inbox:     &inbox.Service{Store: st, Now: now},
		Booking: bookinghttp.Deps{
			Service: &booking.Service{Store: st, Places: places, Profiles: st, Now: now, NewID: ids.New, Locator: st.Locator, VideoBase: video, Absences: st, Waits: st,
				Patients: fam},
			Directory: places,
			Signer:    func() ticket.Signer { return ticket.Signer{Key: ticketKey} },
			Profiles:  st,
			PDFSigner: pdf,
			Stats:     inststats.Service{Service: dashboards, Places: places},
		},
		PDFSigner: pdf,
		// applications reads profiles and documents and renews documents
		// through the registry's service, never its store; an invitation's
		// office is checked against the directory.
		Applications: &applications.Service{Store: st, Profiles: docs, Documents: docs, Renewals: docs, Open: st, Now: now, NewID: ids.New, Locator: st.Locator,
			Log: log, Places: places, Subjects: fam, Files: attach.Files{Service: fs}},
		Orgs:     &orgs.Service{Store: st, Now: now, NewID: ids.New, Publisher: core.Publisher(c, cl), Points: statsstore.New(st.Store)},
		Stats:    dashboards,
		Profiles: st,
	}
}

// Handlers are every HTTP function's handlers, by function name.
func (s Services) Handlers() map[string]httpapi.Handlers {
	return map[string]httpapi.Handlers{
		functions.Documents:     documents.Handlers(s.Documents, s.Files, s.Sharing),
		functions.Notifications: notifications.Handlers(s.Inbox),
		functions.Booking:       bookinghttp.Handlers(s.Booking),
		functions.Profile:       profile.Handlers(s.Documents, s.Family, s.Erasure),
		functions.Applications:  applicationshttp.Handlers(s.Applications, s.PDFSigner, agencystats.Service{Service: s.Stats}),
		functions.Orgs:          orgshttp.Handlers(s.Orgs, s.Profiles, s.Stats),
	}
}

// Mount registers every HTTP function's routes on mux, served through api
// (httpapi.API.Mount each), without the outer middleware, for a server that
// adds routes of its own and then httpapi.Wrap. Errors: an HTTP function of
// functions.All without handlers here, handlers of a function that serves
// no routes, or what httpapi.API.Mount refuses.
func (s Services) Mount(mux httpapi.Mux, api httpapi.API) error {
	hs := s.Handlers()
	for name := range hs {
		if f, ok := functions.Get(name); !ok || len(f.Routes) == 0 {
			return fmt.Errorf("app: handlers for %q, which is no HTTP function of functions.All", name)
		}
	}
	for _, f := range functions.HTTP() {
		h, ok := hs[f.Name]
		if !ok {
			return fmt.Errorf("app: no handlers for the %s function", f.Name)
		}
		if err := api.Mount(mux, f.Name, h); err != nil {
			return err
		}
	}
	return nil
}

// Handler serves every HTTP function's routes through api, with the outer
// middleware. Errors: as Mount.
func (s Services) Handler(api httpapi.API) (http.Handler, error) {
	mux := httpapi.NewRouter()
	if err := s.Mount(mux, api); err != nil {
		return nil, err
	}
	log := api.Log
	if log == nil {
		log = slog.Default()
	}
	return httpapi.Wrap(log, mux), nil
}

// Handler is every route of the API on c's table, as the local server
// serves it: NewServices on the store, audited in it, authenticating with
// auth. The tests and the benchmark serve it. Errors: as Services.Mount.
func Handler(c core.Config, cl core.Clients, ticketKey ed25519.PrivateKey, now func() time.Time, log *slog.Logger,
	auth httpapi.Authenticator) (http.Handler, Services, error) {
	st := allstore.Of(core.NewStore(c, cl, now))
	s := NewServices(c, cl, st, ticketKey, now, log)
	h, err := s.Handler(httpapi.API{Log: log, Auth: auth, Audit: st, CursorKey: c.CursorKey})
	return h, s, err
}

// Scanner builds the expiry scan as functions/expiry-scan does.
// Errors: no reminders topic in c.
func Scanner(c core.Config, cl core.Clients, log *slog.Logger) (*reminders.Scanner, error) {
	pub := core.Publisher(c, cl)
	if pub == nil {
		return nil, errors.New(notify.Reminders.Env + " is not set")
	}
	st := allstore.Of(core.NewStore(c, cl, time.Now))
	places := &directory.Cache{Load: st.LoadDirectory, Now: time.Now}
	return &reminders.Scanner{
		Store:     st,
		Publisher: pub,
		Places:    places,
		Deadlines: deadlines.On(st, st, log),
		Offers:    Offers(st, places, time.Now),
		GrownUps:  Family(st, time.Now),
		NewID:     ids.New,
		Log:       log,
		Shards:    store.DueShards,
	}, nil
}

// Family is the people in account holders' care with their hand-overs at
// 18, as functions/profile builds it and functions/reminder-worker hands
// children growing up to.
func Family(st *allstore.Store, now func() time.Time) *family.Service {
	return &family.Service{Store: st, Now: now, NewID: ids.New, Today: family.HolderToday(st, now), Zone: family.HolderZone(st), Language: family.HolderLanguage(st),
		Handovers: handoverstore.New(st.Store, ids.New)}
}

// Offers is the appointment book the reminder pipeline hands lapsed
// waiting-list offers to, as functions/reminder-worker builds it.
func Offers(st *allstore.Store, places *directory.Cache, now func() time.Time) *booking.Service {
	return &booking.Service{Store: st, Places: places, Profiles: st, Now: now, NewID: ids.New, Waits: st}
}

// Ingest builds the agency-event ingestion as functions/ingest does: an
// issued document closes the application it answers, which tells the
// person; with a files bucket it also takes laboratories' results.
func Ingest(c core.Config, cl core.Clients, now func() time.Time, log *slog.Logger) *ingest.Service {
	st := allstore.Of(core.NewStore(c, cl, now))
	docs := &registry.Service{Store: st, Now: now, NewID: ids.New}
	apps := &applications.Service{Store: st, Profiles: docs, Documents: docs, Renewals: docs, Now: now, NewID: ids.New,
		Log: log}
	return &ingest.Service{Store: st, Now: now, NewID: ids.New, Log: log, Applications: apps, Payments: apps,
		Labs: intake.Labs(c, cl, now, log)}
}

// ScanVerdicts builds the handler of GuardDuty's scan results as
// functions/ingest does: nil without a files bucket.
func ScanVerdicts(c core.Config, cl core.Clients, now func() time.Time) func(context.Context, events.EventBridgeEvent) (ingest.Result, error) {
	return intake.ScanVerdicts(c, cl, now)
}

// Dispatcher builds the reminder pipeline's dispatcher as
// functions/reminder-dispatch does.
func Dispatcher(c core.Config, p pipeline.Config, cl core.Clients, log *slog.Logger) *reminders.Dispatcher {
	return &reminders.Dispatcher{Store: allstore.Of(core.NewStore(c, cl, time.Now)), Queue: pipeline.Jobs(p, cl), Shards: store.DueShards, Log: log}
}

// Worker builds a reminder worker as functions/reminder-worker does,
// keeping to its share of p.Rates. Errors: no reminders topic in c.
func Worker(c core.Config, p pipeline.Config, cl core.Clients, log *slog.Logger) (*reminders.Worker, error) {
	pub := core.Publisher(c, cl)
	if pub == nil {
		return nil, errors.New(notify.Reminders.Env + " is not set")
	}
	st := allstore.Of(core.NewStore(c, cl, time.Now))
	places := &directory.Cache{Load: st.LoadDirectory, Now: time.Now}
	return &reminders.Worker{
		Store:     st,
		Publisher: pub,
		Places:    places,
		Deadlines: deadlines.On(st, st, log),
		Offers:    Offers(st, places, time.Now),
		GrownUps:  Family(st, time.Now),
		Erasures:  erasing.Service(c, cl, st.Store, time.Now, log),
		NewID:     ids.New,
		Log:       log,
		Queue:     pipeline.Jobs(p, cl),
		Limits:    p.Rates.Share(p.Workers).Limits(),
	}, nil
}
