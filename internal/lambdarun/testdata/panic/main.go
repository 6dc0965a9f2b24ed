// Command panic is a test Lambda function whose handler panics, and which
// exits without answering when the event asks it to.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func handler(_ context.Context, event map[string]any) (string, error) {
	if event["exit"] == true {
		os.Exit(3)
	}
	panic("boom")
}

func main() { lambda.Start(handler) }
