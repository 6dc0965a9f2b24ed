package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/kabinet/kabinet/internal/devapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// TestDemoManagers: the banner names each demo manager with a /dev/token
// body that decodes to their identity, and the token issued for it reads as
// a manager of exactly their scope (agency, institution, organisation).
func TestDemoManagers(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	iss := &devapi.TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: tokenTTL}
	ver := &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience}
	bodies := regexp.MustCompile(`\{"sub".*\}`).FindAllString(managersBanner(), -1)
	if len(bodies) != len(demoManagers) {
		t.Fatalf("banner has %d token bodies, want %d:\n%s", len(bodies), len(demoManagers), managersBanner())
	}
	scopes := map[string]bool{}
	for i, m := range demoManagers {
		t.Run(m.Identity.Sub, func(t *testing.T) {
			var in struct {
				Sub         string   `json:"sub"`
				Groups      []string `json:"groups"`
				Institution string   `json:"institution"`
				Agency      string   `json:"agency"`
				Org         string   `json:"org"`
			}
			if err := json.Unmarshal([]byte(bodies[i]), &in); err != nil {
				t.Fatalf("banner body %s: %v", bodies[i], err)
			}
			body := httpapi.Identity{Sub: in.Sub, Groups: in.Groups, Institution: in.Institution, Agency: in.Agency, Org: in.Org}
			if body.Sub != m.Identity.Sub || !slices.Equal(body.Groups, m.Identity.Groups) || body.Agency != m.Identity.Agency ||
				body.Institution != m.Identity.Institution || body.Org != m.Identity.Org {
				t.Fatalf("banner body %s, want %+v", bodies[i], m.Identity)
			}
			tok, err := iss.Issue(body)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			got, err := ver.Authenticate(r)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for kind, scope := range map[string]string{"agency": got.Agency, "institution": got.Institution, "org": got.Org} {
				if got.ManagerOf(kind, scope) {
					n++
					scopes[kind] = true
				}
				if got.ManagerOf(kind, "elsewhere") {
					t.Errorf("a manager of %s %q reads as one of another", kind, scope)
				}
			}
			if n != 1 {
				t.Errorf("%+v manages %d scopes, want exactly 1", got, n)
			}
		})
	}
	if len(scopes) != 3 {
		t.Errorf("the demo managers cover %v, want an agency, an institution and an organisation", scopes)
	}
}
