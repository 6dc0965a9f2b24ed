package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/functest"
)

// GIVEN the environment the stack gives the notifications function WHEN run composes
// it THEN it starts a handler that serves each of its routes through the
// Lambda door with its service wired (503 with the database down, never 500).
func TestRunServesEveryRoute(t *testing.T) {
	var h http.Handler
	if err := run(actions.Recording(t, context.Background(), functions.Notifications), functest.Env(t, functions.Notifications), func(x http.Handler) { h = x }); err != nil {
		t.Fatal(err)
	}
	functest.Routes(t, functions.Notifications, h)
}

// GIVEN no TABLE_NAME WHEN run composes the function THEN it refuses to start.
func TestRunNeedsTheTable(t *testing.T) {
	functest.RefusesWithoutTable(t, functions.Notifications, run)
}
