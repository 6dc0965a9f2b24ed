// Package secrets reads the keys the stack keeps in AWS Secrets Manager (the
// cursor key, the ticket signing key ring). A function reads each once, at
// cold start (shared/app/core.LoadSecrets), so a request never waits on
// Secrets Manager and a throttled or unreachable Secrets Manager fails the
// start, which Lambda retries, rather than a request.
//
// The one call it makes, GetSecretValue, is sent as the service's JSON 1.1
// protocol documents it (a POST with X-Amz-Target and {"SecretId"}),
// signed with Signature Version 4 by the SDK's signer, rather than through
// the SDK's Secrets Manager client: that client's package builds its
// endpoint rules and serialisation schemas when the process starts, about
// a tenth of a function's whole init (BENCHMARKS.md), for a call made a few
// times per cold start.
package secrets

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
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
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

// attempts bounds the tries of one read: a throttled or failing Secrets
// Manager is asked again after a short pause, then the start fails.
const attempts = 3

// Read returns the current string value of the secret arn (its ARN or name).
// Errors: Secrets Manager refusing or unreachable, and a secret without a
// string value; they name the secret, never its value.
func (r Reader) Read(ctx context.Context, arn string) (string, error) {
	var err error
	for attempt := 1; attempt <= attempts; attempt++ {
		var v string
		var retry bool
		if v, retry, err = r.read(ctx, arn); err == nil {
			return v, nil
		}
		if !retry || attempt == attempts {
			break
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("read secret %s: %w", arn, ctx.Err())
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("read secret %s: %w", arn, err)
}

// read makes one GetSecretValue call; retry says whether another may succeed.
func (r Reader) read(ctx context.Context, arn string) (value string, retry bool, err error) {
	body, err := json.Marshal(struct{ SecretId string }{arn})
	if err != nil {
		return "", false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.endpoint(), bytes.NewReader(body))
	if err != nil {
		return "", false, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "secretsmanager.GetSecretValue")
	if r.AWS.Credentials == nil {
		return "", false, errors.New("no AWS credentials")
	}
	creds, err := r.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		return "", true, err
	}
	sum := sha256.Sum256(body)
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "secretsmanager", r.AWS.Region, now()); err != nil {
		return "", false, err
	}
	var client aws.HTTPClient = http.DefaultClient
	if r.AWS.HTTPClient != nil {
		client = r.AWS.HTTPClient
	}
	res, err := client.Do(req)
	if err != nil {
		return "", ctx.Err() == nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return "", true, err
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(out, &e)
		typ := e.Type[strings.LastIndex(e.Type, "#")+1:] // "com.amazonaws...#Name" or "Name"
		retry := res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests || strings.Contains(typ, "Throttling")
		return "", retry, fmt.Errorf("the service answered %d %s: %s", res.StatusCode, typ, e.Message)
	}
	var v struct{ SecretString *string }
	if err := json.Unmarshal(out, &v); err != nil {
		return "", false, errors.New("the answer is not JSON")
	}
	if v.SecretString == nil {
		return "", false, errors.New("no string value")
	}
	return *v.SecretString, false, nil
}

// endpoint is where the call goes, from the SDK's variables as its own
// clients read them, else the region's endpoint.
func (r Reader) endpoint() string {
	getenv := r.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, name := range []string{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"} {
		if u := getenv(name); u != "" {
			return strings.TrimRight(u, "/") + "/"
		}
	}
	if r.AWS.BaseEndpoint != nil && *r.AWS.BaseEndpoint != "" {
		return strings.TrimRight(*r.AWS.BaseEndpoint, "/") + "/"
	}
	return "https://secretsmanager." + r.AWS.Region + ".amazonaws.com/"
}
