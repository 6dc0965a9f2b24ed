// Package secrets reads the keys the stack keeps in AWS Secrets Manager (the
// cursor key, the ticket signing key ring). A function reads each once, at
// cold start (shared/app/core.LoadSecrets), so a request never waits on
// Secrets Manager and a throttled or unreachable Secrets Manager fails the
// start, which Lambda retries, rather than a request.
//
// The one call it makes, GetSecretValue, is sent in the service's JSON 1.1
// protocol by internal/awsjson rather than through the SDK's Secrets
// Manager client: that client's package builds its endpoint rules and
// serialisation schemas when the process starts, about a tenth of a
// function's whole init (BENCHMARKS.md), for a call made a few times per
// cold start.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/kabinet/kabinet/internal/awsjson"
)

// Reader reads secrets' current values (the AWSCURRENT stage).
type Reader struct {
	// AWS gives the region, the credentials and the HTTP client.
	AWS aws.Config
	// Getenv reads the SDK's endpoint variables: AWS_ENDPOINT_URL_SECRETS_MANAGER,
	// else AWS_ENDPOINT_URL; without either, the configuration's base
	// endpoint or the region's public one. Nil is os.Getenv, as the SDK's
	// clients read them.
	Getenv func(string) string
	// Now is the signing clock; nil is time.Now.
	Now func() time.Time
}

// service is Secrets Manager's JSON protocol.
var service = awsjson.Service{Name: "secretsmanager", EndpointEnv: "AWS_ENDPOINT_URL_SECRETS_MANAGER", Version: "1.1",
	TargetPrefix: "secretsmanager"}

// Read returns the current string value of the secret arn (its ARN or name),
// asking again (awsjson.Attempts tries) while Secrets Manager throttles or
// fails. Errors: Secrets Manager refusing or unreachable, and a secret
// without a string value; they name the secret, never its value.
func (r Reader) Read(ctx context.Context, arn string) (string, error) {
	var v struct{ SecretString *string }
	err := r.client().Call(ctx, "GetSecretValue", struct{ SecretId string }{arn}, &v)
	if err == nil && v.SecretString == nil {
		err = errors.New("no string value")
	}
	if err != nil {
		return "", fmt.Errorf("read secret %s: %w", arn, err)
	}
	return *v.SecretString, nil
}

func (r Reader) client() awsjson.Client {
	return awsjson.Client{Service: service, AWS: r.AWS, Getenv: r.Getenv, Now: r.Now}
}
