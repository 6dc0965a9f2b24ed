package app

import (
	"net/http"
	"slices"
	"testing"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// GIVEN every handler package's Handlers WHEN compared with the table THEN
// each route of functions.All has exactly one handler, in its own
// function's package, and no package has a handler for a route the table
// does not give its function.
func TestEveryRouteHasExactlyOneHandler(t *testing.T) {
	byFunction := Services{}.Handlers() // handlers only touch their services when called
	owner := map[string]string{}        // route pattern → the function whose package handles it
	for fn, hs := range byFunction {
		for pattern, h := range hs {
			if h == nil {
				t.Errorf("%s: nil handler for %q", fn, pattern)
			}
			if other, dup := owner[pattern]; dup {
				t.Errorf("%q has a handler in %s's package and in %s's", pattern, other, fn)
			}
			owner[pattern] = fn
		}
	}
	for _, r := range functions.Routes() {
		switch got, ok := owner[r.Pattern]; {
		case !ok:
			t.Errorf("%q (function %s) has no handler", r.Pattern, r.Function)
		case got != r.Function:
			t.Errorf("%q is the %s function's, but %s's package handles it", r.Pattern, r.Function, got)
		}
	}
	for pattern, fn := range owner {
		if !slices.ContainsFunc(functions.Routes(), func(r functions.FunctionRoute) bool { return r.Pattern == pattern }) {
			t.Errorf("%s's package handles %q, which is no route of the table", fn, pattern)
		}
	}
	if err := (Services{}).Mount(http.NewServeMux(), httpapi.API{}); err != nil {
		t.Errorf("Mount: %v", err)
	}
}

// GIVEN a handler set with a route missing or one too many WHEN mounted
// THEN httpapi.API.Mount refuses it, so a Lambda composed so fails at init.
func TestMountRefusesAMismatch(t *testing.T) {
	hs := Services{}.Handlers()[functions.Notifications]
	missing := httpapi.Handlers{}
	extra := httpapi.Handlers{"GET /nowhere": http.NotFoundHandler()}
	i := 0
	for pattern, h := range hs {
		extra[pattern] = h
		if i > 0 { // all but one
			missing[pattern] = h
		}
		i++
	}
	for name, h := range map[string]httpapi.Handlers{"missing": missing, "extra": extra} {
		if err := (httpapi.API{}).Mount(http.NewServeMux(), functions.Notifications, h); err == nil {
			t.Errorf("%s: mounted", name)
		}
	}
	if err := (httpapi.API{}).Mount(http.NewServeMux(), functions.ExpiryScan, hs); err == nil {
		t.Error("mounted routes on a scheduled function")
	}
}
