// Package core is the part of Kabinet's composition that every function
// shares — configuration, AWS clients, the store — and the services of the
// functions that run without the HTTP API (the expiry scan, agency-event
// ingestion, the organisations' digest). It deliberately does not import
// shared/adapter/httpapi: those functions' binaries then link neither the HTTP
// handlers nor what only they use (tickets' PDF, QR and fonts, JWT, the API
// Gateway adapter), whose package init would otherwise run on each of their
// cold starts. Package app builds on it and re-exports it for the HTTP side.
package core

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/shared/adapter/awsconf"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// The functions that run without the HTTP API: functions/<name> each.
const (
	// FnExpiryScan sends the reminders that have fallen due.
	FnExpiryScan = "expiry-scan"
	// FnIngest applies agency events (a document issued or revoked).
	FnIngest = "ingest"
	// FnOrgDigest sends every organisation its weekly digest of
	// employees' expiring documents.
	FnOrgDigest = "org-digest"
)

// Config is what a function reads from its environment.
type Config struct {
	Table     string // TABLE_NAME
	Reminders string // REMINDERS_TOPIC_ARN; "" where a function does not publish
	// TicketKey signs booking QR codes (TICKET_SIGNING_SEED, base64); nil
	// where a function shows no tickets. ReadConfig leaves it nil: the
	// key is derived by package app, for the functions that sign.
	TicketKey ed25519.PrivateKey
	// VideoBase prefixes video appointment links (VIDEO_BASE_URL).
	VideoBase string
	// DeliveryDLQ is the SQS queue ARN (DELIVERY_DLQ_ARN) contact
	// subscriptions send undeliverable messages to; "" sets no redrive
	// policy.
	DeliveryDLQ string
}

// ReadConfig reads Config through getenv, all but the ticket key.
// Errors: TABLE_NAME unset.
func ReadConfig(getenv func(string) string) (Config, error) {
	c := Config{Table: getenv("TABLE_NAME"), Reminders: getenv(notify.Reminders.Env), VideoBase: getenv("VIDEO_BASE_URL"),
		DeliveryDLQ: getenv("DELIVERY_DLQ_ARN")}
	if c.Table == "" {
		return c, errors.New("TABLE_NAME is not set")
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

// NewStore is the store on c's table with clock now.
func NewStore(c Config, cl Clients, now func() time.Time) *store.Store {
	st := store.New(cl.DynamoDB, c.Table)
	st.Now = now
	return st
}

// Orgs builds consents and organisations' views; with a reminders topic it
// can publish organisations' weekly digests (Service.Digest).
func Orgs(c Config, cl Clients, now func() time.Time) *orgs.Service {
	return OrgsService(c, cl, NewStore(c, cl, now), now)
}

// OrgsService is Orgs on an existing store.
func OrgsService(c Config, cl Clients, st *store.Store, now func() time.Time) *orgs.Service {
	svc := &orgs.Service{Store: st, Now: now, NewID: ids.New}
	if c.Reminders != "" {
		svc.Publisher = &notify.Publisher{SNS: cl.SNS, TopicARN: c.Reminders}
	}
	return svc
}

// ApplicationsService is the applications service on st, reading profiles
// and documents and renewing documents through docs (the registry's
// service, never its store); with a reminders topic it also tells
// status changes on the person's channels.
func ApplicationsService(c Config, cl Clients, st *store.Store, docs *registry.Service, now func() time.Time, log *slog.Logger) *applications.Service {
	apps := &applications.Service{Store: st, Profiles: docs, Documents: docs, Renewals: docs, Now: now, NewID: ids.New, Log: log}
	if c.Reminders != "" {
		apps.Publisher = &notify.Publisher{SNS: cl.SNS, TopicARN: c.Reminders}
	}
	return apps
}

// Ingest builds the agency-event ingestion (functions/ingest); an issued
// document closes the application it answers.
func Ingest(c Config, cl Clients, now func() time.Time, log *slog.Logger) *ingest.Service {
	st := NewStore(c, cl, now)
	docs := &registry.Service{Store: st, Now: now, NewID: ids.New}
	return &ingest.Service{Store: st, Now: now, NewID: ids.New, Log: log,
		Applications: ApplicationsService(c, cl, st, docs, now, log)}
}

// Scanner builds the expiry scan. Errors: REMINDERS_TOPIC_ARN unset.
func Scanner(c Config, cl Clients, log *slog.Logger) (*reminders.Scanner, error) {
	if c.Reminders == "" {
		return nil, errors.New(notify.Reminders.Env + " is not set")
	}
	st := NewStore(c, cl, time.Now)
	return &reminders.Scanner{
		Store:     st,
		Publisher: &notify.Publisher{SNS: cl.SNS, TopicARN: c.Reminders},
		Places:    &directory.Cache{Load: st.LoadDirectory, Now: time.Now},
		NewID:     ids.New,
		Log:       log,
		Shards:    store.DueShards,
	}, nil
}
