package app

import (
	"crypto/ed25519"
	"encoding/base64"
	"log/slog"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// GIVEN a TICKET_SIGNING_SEED WHEN each function reads its Config THEN only
// booking (and the all-functions "") derives the ticket key, and only they
// refuse a malformed seed: the others never read the variable.
func TestConfigForReadsTheSeedWhereTicketsAreSigned(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 7
	good := map[string]string{"TABLE_NAME": "t", "TICKET_SIGNING_SEED": base64.StdEncoding.EncodeToString(seed)}
	bad := map[string]string{"TABLE_NAME": "t", "TICKET_SIGNING_SEED": "not a seed"}
	for _, fn := range append(httpapi.Functions(), "", FnIngest, FnExpiryScan, FnOrgDigest) {
		signs := fn == "" || fn == httpapi.FnBooking
		c, err := ConfigFor(fn, func(k string) string { return good[k] })
		if err != nil {
			t.Fatalf("%q: %v", fn, err)
		}
		if got := c.TicketKey != nil; got != signs {
			t.Errorf("%q: ticket key derived = %v, want %v", fn, got, signs)
		}
		if signs && !c.TicketKey.Equal(ed25519.NewKeyFromSeed(seed)) {
			t.Errorf("%q: ticket key is not the seed's", fn)
		}
		if _, err := ConfigFor(fn, func(k string) string { return bad[k] }); (err != nil) != signs {
			t.Errorf("%q: malformed seed error = %v, want an error: %v", fn, err, signs)
		}
	}
	if c, err := ConfigFrom(func(k string) string { return good[k] }); err != nil || c.TicketKey == nil {
		t.Errorf("ConfigFrom: key %v, err %v; want the key", c.TicketKey, err)
	}
}

// GIVEN each HTTP function WHEN its dependencies are composed with DepsFor
// THEN it gets the services its routes use and no others, and Deps (all
// functions) gets every one.
func TestDepsForComposesPerFunction(t *testing.T) {
	c := Config{Table: "t", Reminders: "arn:aws:sns:eu-west-1:123456789012:reminders"}
	log := slog.New(slog.DiscardHandler)
	type built struct{ docs, inbox, booking, apps, orgs bool }
	want := map[string]built{
		httpapi.FnDocuments:     {docs: true},
		httpapi.FnProfile:       {docs: true},
		httpapi.FnNotifications: {inbox: true},
		httpapi.FnBooking:       {booking: true},
		httpapi.FnApplications:  {docs: true, apps: true},
		httpapi.FnOrgs:          {orgs: true},
		"":                      {true, true, true, true, true},
	}
	for _, fn := range append(httpapi.Functions(), "") {
		w, ok := want[fn]
		if !ok {
			t.Errorf("function %q has no expectation here; add it to DepsFor and this test", fn)
			continue
		}
		d := DepsFor(fn, c, Clients{}, time.Now, log, nil)
		got := built{d.Documents != nil, d.Inbox != nil, d.Booking.Service != nil, d.Applications != nil, d.Orgs != nil}
		if got != w {
			t.Errorf("DepsFor(%q) built %+v, want %+v", fn, got, w)
		}
		if d.Audit == nil || d.Log != log {
			t.Errorf("DepsFor(%q) lacks the audit log or the logger", fn)
		}
	}
	if d := Deps(c, Clients{}, time.Now, log, nil); d.Documents == nil || d.Inbox == nil || d.Booking.Service == nil ||
		d.Applications == nil || d.Orgs == nil {
		t.Errorf("Deps left a service out: %+v", d)
	}
}
