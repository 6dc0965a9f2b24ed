// Command local runs the whole of Kabinet on one machine: DynamoDB Local and
// the fauxqs SNS/SQS emulator, the table and topics from the same Go
// definitions the CDK stack uses, demo data, and every API function on one
// HTTP server (http://127.0.0.1:8080, PORT overrides) with the local
// development routes. Ctrl-C stops everything it started.
//
// It is `make run`; it is never deployed.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "kabinet local:", err)
		os.Exit(1)
	}
}
