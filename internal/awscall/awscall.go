// Package awscall is what Kabinet's own signed AWS calls (internal/awsjson
// for Secrets Manager and SQS, internal/awss3 for S3) share with the SDK's
// clients they replace: where a call goes and how often it is tried.
package awscall

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Attempts bounds the tries of one call: a throttled, failing or
// unreachable service is asked again after a short pause, as the SDK's
// standard retryer would (shared/adapter/awsconf.MaxAttempts).
const Attempts = 3

// Endpoint is service's base URL, without a trailing slash, as the SDK's
// own clients find it: the variable envName (AWS_ENDPOINT_URL_<SERVICE>),
// else AWS_ENDPOINT_URL, else cfg's base endpoint, else the region's public
// one. getenv nil is os.Getenv.
func Endpoint(cfg aws.Config, getenv func(string) string, envName, service string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, name := range []string{envName, "AWS_ENDPOINT_URL"} {
		if u := getenv(name); u != "" {
			return strings.TrimRight(u, "/")
		}
	}
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		return strings.TrimRight(*cfg.BaseEndpoint, "/")
	}
	return "https://" + service + "." + cfg.Region + ".amazonaws.com"
}

// Retry calls try up to Attempts times while it fails and says another try
// may succeed, pausing 100 ms more after each, and returns its last error
// (nil once it succeeds), or the context's when that ends first.
func Retry(ctx context.Context, try func() (retry bool, err error)) error {
	for attempt := 1; ; attempt++ {
		retry, err := try()
		if err == nil || !retry || attempt == Attempts {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}
