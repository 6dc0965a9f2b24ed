// Package app composes Kabinet's services from configuration. Every entry
// point (each Lambda's main, the local runner) builds its dependencies here,
// so wiring is written once.
package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/kabinet/kabinet/shared/awsconf"
	"github.com/kabinet/kabinet/shared/httpapi"
	"github.com/kabinet/kabinet/shared/ids"
	"github.com/kabinet/kabinet/shared/registry"
	"github.com/kabinet/kabinet/shared/store"
)

// Config is what a function reads from its environment.
type Config struct {
	Table string // TABLE_NAME
}

// ConfigFrom reads Config through getenv.
func ConfigFrom(getenv func(string) string) (Config, error) {
	c := Config{Table: getenv("TABLE_NAME")}
	if c.Table == "" {
		return c, errors.New("TABLE_NAME is not set")
	}
	return c, nil
}

// Clients are the AWS clients the services use.
type Clients struct {
	AWS      aws.Config
	DynamoDB *dynamodb.Client
}

// NewClients loads AWS configuration from the environment.
func NewClients(ctx context.Context) (Clients, error) {
	cfg, err := awsconf.Load(ctx)
	if err != nil {
		return Clients{}, err
	}
	return Clients{AWS: cfg, DynamoDB: dynamodb.NewFromConfig(cfg)}, nil
}

// Deps builds the HTTP dependencies on the given clients. now is the clock
// every service reads; auth decides who is calling.
func Deps(c Config, cl Clients, now func() time.Time, log *slog.Logger, auth httpapi.Authenticator) httpapi.Deps {
	st := store.New(cl.DynamoDB, c.Table)
	st.Now = now
	return httpapi.Deps{
		Documents: &registry.Service{Store: st, Now: now, NewID: ids.New},
		Log:       log,
		Auth:      auth,
	}
}
