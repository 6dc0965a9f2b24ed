// Package core is what every function's composition starts from:
// configuration, AWS clients, the store, the reminders topic's publisher and
// people's contact subscriptions. Each function's main (functions/<name>)
// builds its own services and handler from these, visibly; the local runner
// and the tests compose every function at once with package app.
//
// It imports no domain package but the registry (the contacts port), and no
// HTTP code, so a function links only the services it builds itself. The
// reminder pipeline's own configuration is package pipeline.
package core

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/shared/adapter/awsconf"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Config is what a function reads from its environment. Which variables a
// function gets is its entry's Needs in functions.All.
type Config struct {
	Table     string // TABLE_NAME
	Reminders string // REMINDERS_TOPIC_ARN; "" where a function does not publish
	// VideoBase prefixes video appointment links (VIDEO_BASE_URL);
	// DefaultVideoBase when unset.
	VideoBase string
	// DeliveryDLQ is the SQS queue ARN (DELIVERY_DLQ_ARN) contact
	// subscriptions send undeliverable messages to; "" sets no redrive
	// policy.
	DeliveryDLQ string
	// CursorKey seals the cursors clients get (CURSOR_KEY, base64 of 32
	// bytes; see httpapi.API.CursorKey); nil when unset.
	CursorKey []byte
}

// DefaultVideoBase is where video appointments take place when
// VIDEO_BASE_URL is not set.
const DefaultVideoBase = "https://video.kabinet.example/room"

// ReadConfig reads Config through getenv. The ticket signing seed is not
// part of it: only booking reads that (functions/booking).
// Errors: TABLE_NAME unset.
func ReadConfig(getenv func(string) string) (Config, error) {
	c := Config{Table: getenv("TABLE_NAME"), Reminders: getenv(notify.Reminders.Env), VideoBase: getenv("VIDEO_BASE_URL"),
		DeliveryDLQ: getenv("DELIVERY_DLQ_ARN")}
	if c.VideoBase == "" {
		c.VideoBase = DefaultVideoBase
	}
	if c.Table == "" {
		return c, errors.New("TABLE_NAME is not set")
	}
	if k := getenv("CURSOR_KEY"); k != "" {
		b, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(b) != 32 {
			return c, errors.New("CURSOR_KEY is not base64 of 32 bytes")
		}
		c.CursorKey = b
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

// Publisher publishes to the reminders topic; nil when c names none (a
// service with a nil publisher tells nobody).
func Publisher(c Config, cl Clients) message.Publisher {
	if c.Reminders == "" {
		return nil
	}
	return &notify.Publisher{SNS: cl.SNS, TopicARN: c.Reminders}
}

// Contacts subscribes people's phones and e-mail addresses to the reminders
// topic, sharing a subscription between the people who give the same one
// (see contacts); nil when c names no topic.
func Contacts(c Config, cl Clients, st *store.Store) registry.Contacts {
	if c.Reminders == "" {
		return nil
	}
	return &contacts{
		subs:  &notify.Subscriptions{SNS: cl.SNS, TopicARN: c.Reminders, DeadLetterARN: c.DeliveryDLQ},
		store: st,
	}
}
