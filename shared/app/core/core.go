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
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/shared/adapter/awsconf"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/secrets"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/ids"
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
	// bytes, as the local runner passes it; deployed, LoadSecrets reads it
	// from the secret CURSOR_KEY_SECRET_ARN names; see
	// httpapi.API.CursorKey); nil when neither is set.
	CursorKey []byte
	// TicketSecret is the ticket signing secret's value, a seed or a key
	// ring (ticket.ParseKeyRing): TICKET_SIGNING_SEED locally, deployed
	// read by LoadSecrets from TICKET_SIGNING_SECRET_ARN; "" when neither
	// is set. Only booking uses it.
	TicketSecret string
	// OriginSecret is what CloudFront sends in httpapi.OriginHeader
	// (read by LoadSecrets from ORIGIN_SECRET_ARN; see
	// httpapi.API.OriginSecret); "" locally, where no CloudFront is.
	OriginSecret string
	// FilesBucket is the S3 bucket of people's files (FILES_BUCKET); ""
	// where a function keeps none: its files routes then answer 503.
	FilesBucket string
	// FilesScanned says GuardDuty Malware Protection watches the bucket
	// (FILES_MALWARE_SCAN=guardduty): completed files wait in pending_scan
	// for its verdict. Locally no scanner exists and files are not_scanned.
	FilesScanned bool
	// FilesVersioned says the bucket keeps versions (FILES_BUCKET_VERSIONED=1),
	// so erasure deletes every version.
	FilesVersioned bool
	// PathStyle addresses S3 buckets in the path: set when an S3 endpoint
	// is (an emulator or S3-compatible server).
	PathStyle bool
	// TrustAnchorsKey is the object in FilesBucket holding the PEM bundle
	// of CA certificates detached signatures must chain to
	// (SIGNATURE_TRUST_ANCHORS_KEY, the stack's and make run's
	// config/trust-anchors.pem): read on the first signature check and
	// refreshed (signatures.Anchors), never at start; a bundle of
	// accredited CAs outgrows Lambda's 4 KB of environment.
	// Without it a function checks no signature (adding one answers 503).
	TrustAnchorsKey string
	// PDFSigningCert and PDFSigningKey (PEM) sign the PDFs Kabinet issues:
	// PDF_SIGNING_CERT and PDF_SIGNING_KEY locally, deployed read by
	// LoadSecrets from PDF_SIGNING_SECRET_ARN; empty serves them unsigned.
	PDFSigningCert, PDFSigningKey []byte
}

// The variables naming the secrets a deployed function reads at start
// (LoadSecrets); the stack sets them from the function's needs.
const (
	CursorKeySecretEnv     = "CURSOR_KEY_SECRET_ARN"
	TicketSigningSecretEnv = "TICKET_SIGNING_SECRET_ARN"
	OriginSecretEnv        = "ORIGIN_SECRET_ARN"
	// PDFSigningSecretEnv names the secret {"cert": PEM, "key": PEM}
	// signing the PDFs Kabinet issues (booking).
	PDFSigningSecretEnv = "PDF_SIGNING_SECRET_ARN"
)

// DefaultVideoBase is where video appointments take place when
// VIDEO_BASE_URL is not set.
const DefaultVideoBase = "https://video.kabinet.example/room"

// ReadConfig reads Config through getenv: the values it is given; the
// secrets named by ARN are LoadSecrets' (after NewClients).
// Errors: TABLE_NAME unset.
func ReadConfig(getenv func(string) string) (Config, error) {
	c := Config{Table: getenv("TABLE_NAME"), Reminders: getenv(notify.Reminders.Env), VideoBase: getenv("VIDEO_BASE_URL"),
		DeliveryDLQ: getenv("DELIVERY_DLQ_ARN"), FilesBucket: getenv("FILES_BUCKET"),
		FilesScanned: getenv("FILES_MALWARE_SCAN") == "guardduty", FilesVersioned: getenv("FILES_BUCKET_VERSIONED") == "1",
		// As objects.PathStyle, which core does not import: it would link
		// the S3 client into every function.
		PathStyle: getenv("AWS_ENDPOINT_URL_S3") != "" || getenv("AWS_ENDPOINT_URL") != ""}
	if c.VideoBase == "" {
		c.VideoBase = DefaultVideoBase
	}
	c.TrustAnchorsKey = getenv("SIGNATURE_TRUST_ANCHORS_KEY")
	if cert, key := getenv("PDF_SIGNING_CERT"), getenv("PDF_SIGNING_KEY"); cert != "" && key != "" {
		c.PDFSigningCert, c.PDFSigningKey = []byte(cert), []byte(key)
	}
	if c.Table == "" {
		return c, errors.New("TABLE_NAME is not set")
	}
	if k := getenv("CURSOR_KEY"); k != "" {
		b, err := cursorKey(k)
		if err != nil {
			return c, errors.New("CURSOR_KEY is not base64 of 32 bytes")
		}
		c.CursorKey = b
	}
	c.TicketSecret = getenv("TICKET_SIGNING_SEED")
	return c, nil
}

// cursorKey decodes a cursor key: 32 bytes in base64, padded or not (the
// stack generates 43 characters of [A-Za-z0-9], which decode unpadded to
// 32 bytes).
func cursorKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("not base64 of 32 bytes")
}

// LoadSecrets reads, once, the keys a deployed function keeps in Secrets
// Manager, into c: the cursor key from the secret CURSOR_KEY_SECRET_ARN
// names (unless CURSOR_KEY gave one), the ticket signing secret from
// TICKET_SIGNING_SECRET_ARN (unless TICKET_SIGNING_SEED did), the origin
// secret from ORIGIN_SECRET_ARN (an HTTP function's). A function
// calls it in its run, at cold start, so no request reads a secret and a
// rotated value reaches new instances (README "Rotating keys"). Errors:
// Secrets Manager refusing or unreachable, a cursor key that is not 32
// bytes; they name the variable and the secret, never a value.
func LoadSecrets(ctx context.Context, getenv func(string) string, cl Clients, c *Config) error {
	read := secrets.Reader{AWS: cl.AWS}
	if arn := getenv(CursorKeySecretEnv); arn != "" && c.CursorKey == nil {
		v, err := read.Read(ctx, arn)
		if err != nil {
			return fmt.Errorf("%s: %w", CursorKeySecretEnv, err)
		}
		if c.CursorKey, err = cursorKey(v); err != nil {
			return fmt.Errorf("%s: the secret %s is %w", CursorKeySecretEnv, arn, err)
		}
	}
	if arn := getenv(TicketSigningSecretEnv); arn != "" && c.TicketSecret == "" {
		v, err := read.Read(ctx, arn)
		if err != nil {
			return fmt.Errorf("%s: %w", TicketSigningSecretEnv, err)
		}
		c.TicketSecret = v
	}
	if arn := getenv(OriginSecretEnv); arn != "" {
		v, err := read.Read(ctx, arn)
		if err != nil {
			return fmt.Errorf("%s: %w", OriginSecretEnv, err)
		}
		if len(v) < 32 {
			return fmt.Errorf("%s: the secret %s is shorter than 32 characters", OriginSecretEnv, arn)
		}
		c.OriginSecret = v
	}
	if arn := getenv(PDFSigningSecretEnv); arn != "" && len(c.PDFSigningCert) == 0 {
		v, err := read.Read(ctx, arn)
		if err != nil {
			return fmt.Errorf("%s: %w", PDFSigningSecretEnv, err)
		}
		var pair struct{ Cert, Key string }
		if err := json.Unmarshal([]byte(v), &pair); err != nil {
			return fmt.Errorf("%s: the secret %s is not {\"cert\", \"key\"} JSON", PDFSigningSecretEnv, arn)
		}
		// Empty until an operator puts the certificate in: unsigned PDFs.
		if pair.Cert != "" && pair.Key != "" {
			c.PDFSigningCert, c.PDFSigningKey = []byte(pair.Cert), []byte(pair.Key)
		}
	}
	return nil
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

// NewStore is the store on c's table with clock now, opening the ids
// sealed with c.CursorKey (ids.NewLocator: none without one).
func NewStore(c Config, cl Clients, now func() time.Time) *store.Store {
	st := store.New(cl.DynamoDB, c.Table)
	st.Now, st.Locator = now, ids.NewLocator(c.CursorKey)
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
