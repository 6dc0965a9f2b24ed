// Command fail is a test Lambda function whose handler returns an error.
package main

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/lambda"
)

func handler(context.Context, map[string]any) (string, error) {
	return "", errors.New("document not found")
}

func main() { lambda.Start(handler) }
