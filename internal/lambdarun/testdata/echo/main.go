// Command echo is a test Lambda function: it answers with the event it got,
// plus what the Lambda context and environment told it, and logs a line.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type reply struct {
	Event        json.RawMessage `json:"event"`
	RequestID    string          `json:"requestId"`
	FunctionARN  string          `json:"functionArn"`
	FunctionName string          `json:"functionName"`
	Memory       int             `json:"memory"`
	TraceID      string          `json:"traceId"`
	SecondsLeft  float64         `json:"secondsLeft"`
	Extra        string          `json:"extra"`
	PID          int             `json:"pid"`
}

func handler(ctx context.Context, event json.RawMessage) (reply, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	fmt.Fprintln(os.Stderr, "echo: handling", lc.AwsRequestID)
	var sleep struct {
		SleepMs int `json:"sleepMs"`
	}
	_ = json.Unmarshal(event, &sleep)
	// Sleeps past the deadline if asked to, as a stuck function would.
	time.Sleep(time.Duration(sleep.SleepMs) * time.Millisecond)
	return reply{
		Event:        event,
		RequestID:    lc.AwsRequestID,
		FunctionARN:  lc.InvokedFunctionArn,
		FunctionName: lambdacontext.FunctionName,
		Memory:       lambdacontext.MemoryLimitInMB,
		TraceID:      os.Getenv("_X_AMZN_TRACE_ID"),
		SecondsLeft:  time.Until(deadline).Seconds(),
		Extra:        os.Getenv("LAMBDARUN_TEST_EXTRA"),
		PID:          os.Getpid(),
	}, nil
}

func main() { lambda.Start(handler) }
