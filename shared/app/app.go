// Package app composes Kabinet's services from configuration. Every entry
// point (each Lambda's main, the local runner) builds its dependencies here,
// so wiring is written once.
package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/shared/applications"
	"github.com/kabinet/kabinet/shared/awsconf"
	"github.com/kabinet/kabinet/shared/booking"
	"github.com/kabinet/kabinet/shared/directory"
	"github.com/kabinet/kabinet/shared/httpapi"
	"github.com/kabinet/kabinet/shared/ids"
	"github.com/kabinet/kabinet/shared/inbox"
	"github.com/kabinet/kabinet/shared/ingest"
	"github.com/kabinet/kabinet/shared/notify"
	"github.com/kabinet/kabinet/shared/orgs"
	"github.com/kabinet/kabinet/shared/registry"
	"github.com/kabinet/kabinet/shared/reminders"
	"github.com/kabinet/kabinet/shared/store"
	"github.com/kabinet/kabinet/shared/ticket"
)

// Config is what a function reads from its environment.
type Config struct {
	Table     string // TABLE_NAME
	Reminders string // REMINDERS_TOPIC_ARN; "" where a function does not publish
	// TicketKey signs booking QR codes (TICKET_SIGNING_SEED, base64); nil
	// where a function shows no tickets.
	TicketKey ed25519.PrivateKey
	// VideoBase prefixes video appointment links (VIDEO_BASE_URL).
	VideoBase string
	// DeliveryDLQ is the SQS queue ARN (DELIVERY_DLQ_ARN) contact
	// subscriptions send undeliverable messages to; "" sets no redrive
	// policy.
	DeliveryDLQ string
}

// ConfigFrom reads Config through getenv.
func ConfigFrom(getenv func(string) string) (Config, error) {
	c := Config{Table: getenv("TABLE_NAME"), Reminders: getenv(notify.Reminders.Env), VideoBase: getenv("VIDEO_BASE_URL"),
		DeliveryDLQ: getenv("DELIVERY_DLQ_ARN")}
	if c.Table == "" {
		return c, errors.New("TABLE_NAME is not set")
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

// Clients are the AWS clients the services use.
type Clients struct {
	AWS      aws.Config
	DynamoDB *dynamodb.Client
	SNS      *sns.Client
}

// NewClients loads AWS configuration from the environment.
func NewClients(ctx context.Context) (Clients, error) {
	cfg, err := awsconf.Load(ctx)
	if err != nil {
		return Clients{}, err
	}
	return Clients{AWS: cfg, DynamoDB: dynamodb.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg)}, nil
}

func newStore(c Config, cl Clients, now func() time.Time) *store.Store {
	st := store.New(cl.DynamoDB, c.Table)
	st.Now = now
	return st
}

// Deps builds the HTTP dependencies on the given clients. now is the clock
// every service reads; auth decides who is calling.
func Deps(c Config, cl Clients, now func() time.Time, log *slog.Logger, auth httpapi.Authenticator) httpapi.Deps {
	st := newStore(c, cl, now)
	docs := &registry.Service{Store: st, Now: now, NewID: ids.New}
	if c.Reminders != "" {
		docs.Contacts = contacts{&notify.Subscriptions{SNS: cl.SNS, TopicARN: c.Reminders, DeadLetterARN: c.DeliveryDLQ}}
	}
	places := &directory.Cache{Load: st.LoadDirectory, Now: now}
	video := c.VideoBase
	if video == "" {
		video = DefaultVideoBase
	}
	return httpapi.Deps{
		Documents: docs,
		Inbox:     &inbox.Service{Store: st, Now: now},
		Booking: httpapi.BookingDeps{
			Service:   &booking.Service{Store: st, Places: places, Now: now, NewID: ids.New, VideoBase: video},
			Directory: places,
			Signer:    ticket.Signer{Key: c.TicketKey},
		},
		Applications: applicationsService(c, cl, st, docs, now, log),
		Orgs:         orgsService(c, cl, st, now),
		Log:          log,
		Auth:         auth,
		Audit:        st,
	}
}

// DefaultVideoBase is where video appointments take place when
// VIDEO_BASE_URL is not set.
const DefaultVideoBase = "https://video.kabinet.example/room"

// Orgs builds consents and organisations' views; with a reminders topic it
// can publish organisations' weekly digests (Service.Digest).
func Orgs(c Config, cl Clients, now func() time.Time) *orgs.Service {
	return orgsService(c, cl, newStore(c, cl, now), now)
}

func orgsService(c Config, cl Clients, st *store.Store, now func() time.Time) *orgs.Service {
	svc := &orgs.Service{Store: st, Now: now, NewID: ids.New}
	if c.Reminders != "" {
		svc.Publisher = &notify.Publisher{SNS: cl.SNS, TopicARN: c.Reminders}
	}
	return svc
}

// applicationsService is the applications service on st; with a reminders
// topic it also tells status changes on the person's channels.
func applicationsService(c Config, cl Clients, st *store.Store, docs *registry.Service, now func() time.Time, log *slog.Logger) *applications.Service {
	apps := &applications.Service{Store: st, Profiles: docs, Documents: st, Renewals: docs, Now: now, NewID: ids.New, Log: log}
	if c.Reminders != "" {
		apps.Publisher = &notify.Publisher{SNS: cl.SNS, TopicARN: c.Reminders}
	}
	return apps
}

// Ingest builds the agency-event ingestion (functions/ingest); an issued
// document closes the application it answers.
func Ingest(c Config, cl Clients, now func() time.Time, log *slog.Logger) *ingest.Service {
	st := newStore(c, cl, now)
	docs := &registry.Service{Store: st, Now: now, NewID: ids.New}
	return &ingest.Service{Store: st, Now: now, NewID: ids.New, Log: log,
		Applications: applicationsService(c, cl, st, docs, now, log)}
}

// Scanner builds the expiry scan.
func Scanner(c Config, cl Clients, log *slog.Logger) (*reminders.Scanner, error) {
	if c.Reminders == "" {
		return nil, errors.New(notify.Reminders.Env + " is not set")
	}
	st := newStore(c, cl, time.Now)
	return &reminders.Scanner{
		Store:     st,
		Publisher: &notify.Publisher{SNS: cl.SNS, TopicARN: c.Reminders},
		Places:    &directory.Cache{Load: st.LoadDirectory, Now: time.Now},
		NewID:     ids.New,
		Log:       log,
		Shards:    store.DueShards,
	}, nil
}

// contacts adapts notify.Subscriptions to the registry's Contacts port.
type contacts struct{ *notify.Subscriptions }

func (c contacts) State(ctx context.Context, sub string) (string, error) {
	st, err := c.Subscriptions.State(ctx, sub)
	return string(st), err
}
