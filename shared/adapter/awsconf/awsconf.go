// Package awsconf loads the AWS SDK configuration every function shares.
// Endpoints are never set here: the SDK reads AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE> itself, so one binary runs against AWS,
// LocalStack and the local emulators.
package awsconf

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
)

// Retries are few and short: an API request has a person waiting, and a
// dependency that stays down must turn into a quick 503 with Retry-After,
// not a request that hangs until API Gateway's 30 s limit.
const (
	MaxAttempts = 3
	MaxBackoff  = 400 * time.Millisecond
	DialTimeout = time.Second
	CallTimeout = 5 * time.Second
)

// apiOptionsKey carries SDK middleware in a context (WithAPIOptions).
type apiOptionsKey struct{}

// WithAPIOptions returns ctx carrying SDK middleware that Load adds to every
// client made from its configuration. A function's run passes its context
// to Load, so a test can watch or fault every call the function's own
// clients make (internal/actions records the IAM actions they need) without
// a hook in the function; production passes a context without any.
func WithAPIOptions(ctx context.Context, opts ...func(*middleware.Stack) error) context.Context {
	prev, _ := ctx.Value(apiOptionsKey{}).([]func(*middleware.Stack) error)
	return context.WithValue(ctx, apiOptionsKey{}, append(append([]func(*middleware.Stack) error(nil), prev...), opts...))
}

// Load returns the SDK configuration from the environment with Kabinet's
// retry and timeout policy, and the middleware ctx carries (WithAPIOptions).
func Load(ctx context.Context) (aws.Config, error) {
	opts, _ := ctx.Value(apiOptionsKey{}).([]func(*middleware.Stack) error)
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithAPIOptions(opts),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = MaxAttempts
				o.MaxBackoff = MaxBackoff
			})
		}),
		config.WithHTTPClient(awshttp.NewBuildableClient().
			WithTimeout(CallTimeout).
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = DialTimeout })),
	)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load aws config: %w", err)
	}
	return cfg, nil
}
