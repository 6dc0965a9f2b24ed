package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/functest"
)

// GIVEN the environment the stack gives the booking function WHEN run composes
// it THEN it starts a handler that serves each of its routes through the
// Lambda door with its service wired (503 with the database down, never 500).
func TestRunServesEveryRoute(t *testing.T) {
	var h http.Handler
	if err := run(actions.Recording(t, context.Background(), functions.Booking), functest.Env(t, functions.Booking), func(x http.Handler) { h = x }); err != nil {
		t.Fatal(err)
	}
	functest.Routes(t, functions.Booking, h)
}

// GIVEN no TABLE_NAME WHEN run composes the function THEN it refuses to start.
func TestRunNeedsTheTable(t *testing.T) { functest.RefusesWithoutTable(t, functions.Booking, run) }

// GIVEN a ticket signing seed WHEN booking reads it THEN its key is the
// seed's; GIVEN a malformed one THEN booking refuses to start (the other
// functions never read it: functest.Env gives them a malformed one).
func TestRunReadsTheTicketSeed(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 7
	signer, err := ticketSigner(base64.StdEncoding.EncodeToString(seed))
	if err != nil || !signer().Key.Equal(ed25519.NewKeyFromSeed(seed)) {
		t.Errorf("err %v; want the seed's key", err)
	}
	env := functest.Env(t, functions.Booking)
	err = run(context.Background(), func(k string) string {
		if k == "TICKET_SIGNING_SEED" {
			return "not a seed"
		}
		return env(k)
	}, func(http.Handler) { t.Error("started") })
	if err == nil {
		t.Error("a malformed seed was accepted")
	}
}

// TestRunReadsATicketKeyRing: GIVEN a key ring in rotation as
// TICKET_SIGNING_SEED THEN its current key signs, under its id (issue 15,
// point 10).
func TestRunReadsATicketKeyRing(t *testing.T) {
	old, cur := make([]byte, ed25519.SeedSize), make([]byte, ed25519.SeedSize)
	old[0], cur[0] = 1, 2
	ring := `{"current":"2026-12","keys":{"2026-06":"` + base64.StdEncoding.EncodeToString(old) + `","2026-12":"` + base64.StdEncoding.EncodeToString(cur) + `"}}`
	signer, err := ticketSigner(ring)
	if err != nil {
		t.Fatal(err)
	}
	if s := signer(); s.ID != "2026-12" || !s.Key.Equal(ed25519.NewKeyFromSeed(cur)) {
		t.Errorf("signer id %q, the current key: %v", s.ID, s.Key.Equal(ed25519.NewKeyFromSeed(cur)))
	}
	if _, err := ticketSigner(`{"current":"x","keys":{}}`); err == nil {
		t.Error("a ring without keys was accepted")
	}
}

// GIVEN Secrets Manager failing at cold start WHEN run composes the
// function THEN it refuses to start (Lambda retries the start) and says
// which secret, never a value.
func TestRunNeedsItsSecrets(t *testing.T) { functest.SecretsDown(t, functions.Booking, run) }
