package devapi

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// tokenNow is the instant tokens are issued at.
var tokenNow = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

func testKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// GIVEN a token of the issuer WHEN its header and claims are read THEN they
// are what Cognito's ID tokens carry.
func TestTokenIssuerClaims(t *testing.T) {
	key := testKey(t)
	tok, err := (&TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: 15 * time.Minute, Now: func() time.Time { return tokenNow }}).
		Issue(httpapi.Identity{Sub: "alice", Groups: []string{"citizen"}, Org: "o"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	var header, payload map[string]any
	for i, dst := range []*map[string]any{&header, &payload} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatal(err)
		}
	}
	if header["alg"] != "RS256" || header["kid"] != httpapi.LocalKeyID {
		t.Errorf("header = %v, want alg RS256 and kid %s (as Cognito signs)", header, httpapi.LocalKeyID)
	}
	want := map[string]any{
		"sub": "alice", "iss": httpapi.LocalIssuer, "aud": []any{httpapi.TokenAudience},
		"iat": float64(tokenNow.Unix()), "nbf": float64(tokenNow.Unix()), "exp": float64(tokenNow.Add(15 * time.Minute).Unix()),
		"cognito:groups": []any{"citizen"}, "custom:org": "o",
	}
	if !reflect.DeepEqual(payload, want) {
		t.Errorf("payload = %v,\nwant %v", payload, want)
	}
}

// GIVEN a token of the issuer WHEN the development verifier checks it THEN
// it stands for exactly the identity it was issued for; the same token after
// its expiry does not.
func TestTokenIssuerVerifies(t *testing.T) {
	key := testKey(t)
	now := tokenNow
	iss := &TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: time.Hour, Now: func() time.Time { return now }}
	want := httpapi.Identity{Sub: "alice", Groups: []string{"citizen", "staff"}, Institution: "school-17", Agency: "mvd", Org: "org-42"}
	tok, err := iss.Issue(want)
	if err != nil {
		t.Fatal(err)
	}
	v := &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience,
		Now: func() time.Time { return now }}
	r, _ := http.NewRequest("GET", "/documents", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	got, err := v.Authenticate(r)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("verified %+v, %v; want %+v", got, err, want)
	}
	now = tokenNow.Add(time.Hour + time.Second)
	if _, err := v.Authenticate(r); err == nil {
		t.Error("an expired token was accepted")
	}
}
