// Package secrets reads the keys the stack keeps in AWS Secrets Manager (the
// cursor key, the ticket signing key ring). A function reads each once, at
// cold start (shared/app/core.LoadSecrets), so a request never waits on
// Secrets Manager and a throttled or unreachable Secrets Manager fails the
// start, which Lambda retries, rather than a request.
package secrets

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Reader reads secrets' current values (the AWSCURRENT stage).
type Reader struct {
	SM *secretsmanager.Client
}

// Read returns the current string value of the secret arn (its ARN or name).
// Errors: Secrets Manager refusing or unreachable, and a secret without a
// string value; they name the secret, never its value.
func (r Reader) Read(ctx context.Context, arn string) (string, error) {
	out, err := r.SM.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return "", fmt.Errorf("read secret %s: %w", arn, err)
	}
	if out.SecretString == nil {
		return "", errors.New("read secret " + arn + ": no string value")
	}
	return *out.SecretString, nil
}
