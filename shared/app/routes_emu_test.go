package app_test

import (
	"crypto/rand"
	"crypto/rsa"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestEveryRouteHasItsDependencies: a Lambda composes only what its routes
// use (app.DepsFor). Each HTTP function, so composed against the real
// emulators, answers every one of its routes without a server error, for a
// citizen and for staff: a route whose service DepsFor forgot would reach a
// nil service and answer 500.
func TestEveryRouteHasItsDependencies(t *testing.T) {
	cl, table := testenv.Table(t, "deps")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	issuer := &httpapi.TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: time.Hour}
	verifier := &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience}
	tokens := map[string]httpapi.Identity{
		"citizen": {Sub: "alice", Groups: []string{"citizen"}},
		"staff":   {Sub: "sam", Groups: []string{"staff", httpapi.GroupOrgAdmin}, Institution: "inst-1", Agency: "mvd", Org: "org-1"},
	}
	cfg := app.Config{Table: table}
	for _, fn := range httpapi.Functions() {
		srv := httptest.NewServer(httpapi.Handler(app.DepsFor(fn, cfg, cl, time.Now, slog.New(slog.DiscardHandler), verifier.Authenticate), fn))
		for _, rt := range httpapi.Routes(httpapi.Deps{}) {
			if rt.Function != fn {
				continue
			}
			path := rt.Path()
			for strings.Contains(path, "{") {
				i, j := strings.Index(path, "{"), strings.Index(path, "}")
				path = path[:i] + "x1" + path[j+1:]
			}
			for who, id := range tokens {
				tok, err := issuer.Issue(id)
				if err != nil {
					t.Fatal(err)
				}
				req, _ := http.NewRequest(rt.Method(), srv.URL+path, strings.NewReader("{}"))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("If-Match", `"1"`)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode >= 500 {
					t.Errorf("%s (function %s) as %s: %d %s", rt.Pattern, fn, who, res.StatusCode, body)
				}
			}
		}
		srv.Close()
	}
}
