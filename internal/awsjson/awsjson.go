// Package awsjson calls an AWS service in its JSON protocol (a POST with
// X-Amz-Target and a JSON body, signed with Signature Version 4 by the
// SDK's signer) instead of through the SDK's client for that service, whose
// package builds its endpoint rules and serialisation schemas when the
// process starts: a tenth of a function's whole init for Secrets Manager's,
// more for SQS's (BENCHMARKS.md), paid by every start for the one or two
// operations a function calls. The adapters reading secrets and sending
// jobs share it; it knows no service of its own.
package awsjson

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kabinet/kabinet/internal/awscall"
)

// Service is one AWS service's JSON protocol.
type Service struct {
	// Name is the signing name and the first label of the region's
	// endpoint ("secretsmanager", "sqs").
	Name string
	// EndpointEnv is the SDK's variable naming the service's own endpoint
	// (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_SQS).
	EndpointEnv string
	// Version is the protocol's version: "1.0" or "1.1".
	Version string
	// TargetPrefix starts every X-Amz-Target ("secretsmanager", "AmazonSQS").
	TargetPrefix string
}

// Client calls one service.
type Client struct {
	Service Service
	// AWS gives the region, the credentials and the HTTP client.
	AWS aws.Config
	// Getenv reads the SDK's endpoint variables: Service.EndpointEnv, else
	// AWS_ENDPOINT_URL; without either, the configuration's base endpoint
	// or the region's public one. Nil is os.Getenv, as the SDK's clients
	// read them.
	Getenv func(string) string
	// Now is the signing clock; nil is time.Now.
	Now func() time.Time
}

// Attempts bounds the tries of one call (awscall.Attempts).
const Attempts = awscall.Attempts

// Error is the service's refusal of a call.
type Error struct {
	Status  int    // the HTTP status
	Type    string // the error's name ("ThrottlingException"), without its namespace
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("the service answered %d %s: %s", e.Status, e.Type, e.Message)
}

// Retryable reports whether another try of the call may succeed: the
// service throttling or failing (5xx).
func (e *Error) Retryable() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || strings.Contains(e.Type, "Throttl") ||
		e.Type == "RequestThrottled" || e.Type == "KmsThrottled"
}

// Call sends operation op with in (JSON-marshalled) and decodes the answer
// into out (nil: ignored), trying up to Attempts times while the service
// throttles, fails or cannot be reached. Errors: *Error (the service
// refused: errors.As finds it), the service unreachable, or an answer that
// is not JSON.
func (c Client) Call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return awscall.Retry(ctx, func() (bool, error) { return c.call(ctx, op, body, out) })
}

// call makes one try; retry says whether another may succeed.
func (c Client) call(ctx context.Context, op string, body []byte, out any) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint(), bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-"+c.Service.Version)
	req.Header.Set("X-Amz-Target", c.Service.TargetPrefix+"."+op)
	if c.AWS.Credentials == nil {
		return false, errors.New("no AWS credentials")
	}
	creds, err := c.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		return true, err
	}
	sum := sha256.Sum256(body)
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), c.Service.Name, c.AWS.Region, now()); err != nil {
		return false, err
	}
	var client aws.HTTPClient = http.DefaultClient
	if c.AWS.HTTPClient != nil {
		client = c.AWS.HTTPClient
	}
	res, err := client.Do(req)
	if err != nil {
		return ctx.Err() == nil, err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return true, err
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(answer, &e)
		if e.Message == "" {
			// SQS's JSON protocol spells it with a capital
			var m struct{ Message string }
			_ = json.Unmarshal(answer, &m)
			e.Message = m.Message
		}
		ae := &Error{Status: res.StatusCode, Type: e.Type[strings.LastIndex(e.Type, "#")+1:], Message: e.Message}
		return ae.Retryable(), ae
	}
	if out == nil {
		return false, nil
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return false, errors.New("the answer is not JSON")
	}
	return false, nil
}

// Endpoint is where calls go, from the SDK's variables as its own clients
// read them, else the configuration's base endpoint, else the region's.
func (c Client) Endpoint() string {
	return awscall.Endpoint(c.AWS, c.Getenv, c.Service.EndpointEnv, c.Service.Name) + "/"
}
