// Command hello is the cold-start reference of cmd/bench: the smallest
// aws-lambda-go function, built exactly as the real functions are.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, ev map[string]any) (string, error) { return "hello", nil })
}
