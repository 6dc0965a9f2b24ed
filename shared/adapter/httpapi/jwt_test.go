package httpapi_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/devapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"

	"github.com/golang-jwt/jwt/v5"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// tokenNow is the instant tokens are issued at; verification clocks are set relative to it.
var tokenNow = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

// testKey is one RSA key for every test of the package (harness_test.go's
// too): a 2048-bit key takes a noticeable fraction of a second to make.
var testKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// sharedTestKey returns testKey.
func sharedTestKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := testKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// b64 is base64url without padding, as JWTs use.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func b64JSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b64(b)
}

// sign signs arbitrary claims with key by method, naming the key kid ("":
// no kid header).
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validClaims are the registered claims of a good token at tokenNow.
func validClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "alice", "iss": httpapi.LocalIssuer, "aud": httpapi.TokenAudience,
		"iat": tokenNow.Unix(), "nbf": tokenNow.Unix(), "exp": tokenNow.Add(time.Hour).Unix(),
	}
}

func without(c jwt.MapClaims, keys ...string) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return out
}

func with(c jwt.MapClaims, key string, v any) jwt.MapClaims {
	out := without(c, key)
	out[key] = v
	return out
}

// tamper replaces the payload of tok with f(payload), keeping header and signature.
func tamper(t *testing.T, tok string, f func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", tok, len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	parts[1] = b64JSON(t, m)
	return strings.Join(parts, ".")
}

func requestWith(authorization string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/documents", nil)
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	return r
}

// TestAuthenticate: the local verifier decides every token as API Gateway's
// JWT authorizer documents it decides Cognito's ("Authorizing API requests
// with a JWT authorizer"): RSA signatures only, by the key "kid" names; iss
// equal; aud containing the audience, or client_id equal to it only when
// there is no aud; exp after now, nbf and iat not after now, with no
// clock-skew allowance. So a client (and a test) that passes locally passes
// deployed. Times are one second either side of each limit.
func TestAuthenticate(t *testing.T) {
	key := sharedTestKey(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rs256 := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodRS256, key, httpapi.LocalKeyID, c) }
	issuer := &devapi.TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: time.Hour, Now: fixedClock(tokenNow)}
	full := httpapi.Identity{Sub: "alice", Groups: []string{"citizen", "institution_staff"}, Institution: "school-17", Agency: "mvd", Org: "org-42"}
	good, err := issuer.Issue(full)
	if err != nil {
		t.Fatal(err)
	}
	minimal, err := issuer.Issue(httpapi.Identity{Sub: "bob"})
	if err != nil {
		t.Fatal(err)
	}

	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hmacWith := func(secret []byte) string {
		return sign(t, jwt.SigningMethodHS256, secret, httpapi.LocalKeyID, validClaims())
	}
	noneHeader := b64([]byte(`{"alg":"none","typ":"JWT","kid":"` + httpapi.LocalKeyID + `"}`))
	noneToken := noneHeader + "." + b64JSON(t, validClaims()) + "."
	noneUpper := b64([]byte(`{"alg":"None","typ":"JWT","kid":"`+httpapi.LocalKeyID+`"}`)) + "." + b64JSON(t, validClaims()) + "."
	accessToken := with(without(validClaims(), "aud"), "client_id", httpapi.TokenAudience) // Cognito's access token shape

	exp := tokenNow.Add(time.Hour)
	for _, tc := range []struct {
		name   string
		header string
		at     time.Time         // verification time; zero: tokenNow
		want   *httpapi.Identity // nil: refused with Unauthorized
	}{
		{name: "valid token with groups and custom claims", header: "Bearer " + good, want: &full},
		{name: "valid token with only a subject", header: "Bearer " + minimal, want: &httpapi.Identity{Sub: "bob"}},
		{name: "RS256 signed directly", header: "Bearer " + rs256(validClaims()), want: &httpapi.Identity{Sub: "alice"}},
		{name: "RS384", header: "Bearer " + sign(t, jwt.SigningMethodRS384, key, httpapi.LocalKeyID, validClaims()), want: &httpapi.Identity{Sub: "alice"}},
		{name: "RS512", header: "Bearer " + sign(t, jwt.SigningMethodRS512, key, httpapi.LocalKeyID, validClaims()), want: &httpapi.Identity{Sub: "alice"}},
		{name: "audience as a list containing ours", header: "Bearer " + rs256(with(validClaims(), "aud", []string{"other", httpapi.TokenAudience})), want: &httpapi.Identity{Sub: "alice"}},
		{name: "no aud, client_id ours (an access token)", header: "Bearer " + rs256(accessToken), want: &httpapi.Identity{Sub: "alice"}},
		{name: "no nbf and no iat", header: "Bearer " + rs256(without(validClaims(), "nbf", "iat")), want: &httpapi.Identity{Sub: "alice"}},
		{name: "a second before exp", header: "Bearer " + good, at: exp.Add(-time.Second), want: &full},
		{name: "at nbf and iat", header: "Bearer " + good, at: tokenNow, want: &full},

		{name: "no Authorization header", header: ""},
		{name: "Basic scheme", header: "Basic x"},
		{name: "Basic scheme with credentials", header: "Basic YWxpY2U6c2VjcmV0"},
		{name: "Bearer without a token", header: "Bearer "},
		{name: "Bearer without a space", header: "Bearer" + good},
		{name: "token without a scheme", header: good},
		{name: "garbage token", header: "Bearer not.a.jwt"},
		{name: "alg none", header: "Bearer " + noneToken},
		{name: "alg None", header: "Bearer " + noneUpper},
		{name: "alg none with the good token's signature", header: "Bearer " + noneHeader + "." + strings.Split(good, ".")[1] + "." + strings.Split(good, ".")[2]},
		{name: "HS256 keyed with the public key PEM (algorithm confusion)", header: "Bearer " + hmacWith(pubPEM)},
		{name: "HS256 keyed with the public key DER", header: "Bearer " + hmacWith(pubDER)},
		{name: "HS256 keyed with the modulus", header: "Bearer " + hmacWith(key.N.Bytes())},
		{name: "ES256, a valid ECDSA signature (the authorizer takes RSA only)", header: "Bearer " + sign(t, jwt.SigningMethodES256, ecKey, httpapi.LocalKeyID, validClaims())},
		{name: "signed by another RSA key under our kid", header: "Bearer " + sign(t, jwt.SigningMethodRS256, other, httpapi.LocalKeyID, validClaims())},
		{name: "no kid", header: "Bearer " + sign(t, jwt.SigningMethodRS256, key, "", validClaims())},
		{name: "another kid", header: "Bearer " + sign(t, jwt.SigningMethodRS256, key, "other-key", validClaims())},
		{name: "tampered subject, signature kept", header: "Bearer " + tamper(t, good, func(m map[string]any) { m["sub"] = "mallory" })},
		{name: "tampered groups, signature kept", header: "Bearer " + tamper(t, good, func(m map[string]any) { m["cognito:groups"] = []string{"admin"} })},
		{name: "tampered expiry, signature kept", header: "Bearer " + tamper(t, good, func(m map[string]any) { m["exp"] = exp.Add(24 * time.Hour).Unix() }), at: exp.Add(2 * time.Hour)},
		{name: "signature stripped", header: "Bearer " + strings.Join(strings.Split(good, ".")[:2], ".") + "."},
		{name: "at exp (it must be after now)", header: "Bearer " + good, at: exp},
		{name: "a second after exp: no leeway", header: "Bearer " + good, at: exp.Add(time.Second)},
		{name: "expired long ago", header: "Bearer " + good, at: exp.Add(30 * 24 * time.Hour)},
		{name: "a second before nbf and iat: no leeway", header: "Bearer " + good, at: tokenNow.Add(-time.Second)},
		{name: "nbf in the future", header: "Bearer " + rs256(with(validClaims(), "nbf", tokenNow.Add(time.Second).Unix()))},
		{name: "iat in the future", header: "Bearer " + rs256(with(without(validClaims(), "nbf"), "iat", tokenNow.Add(time.Second).Unix()))},
		{name: "wrong issuer", header: "Bearer " + rs256(with(validClaims(), "iss", "https://evil.example"))},
		{name: "missing issuer", header: "Bearer " + rs256(without(validClaims(), "iss"))},
		{name: "wrong audience", header: "Bearer " + rs256(with(validClaims(), "aud", "someone-else"))},
		{name: "wrong aud with our client_id: aud decides", header: "Bearer " + rs256(with(with(validClaims(), "aud", "someone-else"), "client_id", httpapi.TokenAudience))},
		{name: "no aud, another client_id", header: "Bearer " + rs256(with(accessToken, "client_id", "someone-else"))},
		{name: "neither aud nor client_id", header: "Bearer " + rs256(without(validClaims(), "aud"))},
		{name: "missing exp", header: "Bearer " + rs256(without(validClaims(), "exp"))},
		{name: "empty sub", header: "Bearer " + rs256(with(validClaims(), "sub", ""))},
		{name: "missing sub", header: "Bearer " + rs256(without(validClaims(), "sub"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := tc.at
			if at.IsZero() {
				at = tokenNow
			}
			v := &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, Now: fixedClock(at)}
			got, err := v.Authenticate(requestWith(tc.header))
			if tc.want == nil {
				if err == nil {
					t.Fatalf("accepted as %+v, want refused", got)
				}
				if k := errs.KindOf(err); k != errs.Unauthorized {
					t.Errorf("kind = %v, want unauthorized (err %v)", k, err)
				}
				if !reflect.DeepEqual(got, httpapi.Identity{}) {
					t.Errorf("identity = %+v alongside an error, want zero", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !reflect.DeepEqual(got, *tc.want) {
				t.Errorf("identity = %+v, want %+v", got, *tc.want)
			}
		})
	}
}

// A verifier for one issuer refuses an otherwise valid token of another:
// the issuer and audience come from the verifier, not the token.
func TestAuthenticateUsesTheVerifiersIssuerAndAudience(t *testing.T) {
	key := sharedTestKey(t)
	tok, err := (&devapi.TokenIssuer{Key: key, Issuer: "kabinet-staging", Audience: "kabinet-staging", TTL: time.Hour, Now: fixedClock(tokenNow)}).Issue(httpapi.Identity{Sub: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name             string
		issuer, audience string
		ok               bool
	}{
		{"matching", "kabinet-staging", "kabinet-staging", true},
		{"local issuer", httpapi.LocalIssuer, "kabinet-staging", false},
		{"local audience", "kabinet-staging", httpapi.TokenAudience, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: tc.issuer, Audience: tc.audience, Now: fixedClock(tokenNow)}
			_, err := v.Authenticate(requestWith("Bearer " + tok))
			if (err == nil) != tc.ok {
				t.Errorf("err = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"ru", "ru"},
		{"en", "en"},
		{"ru-RU,en;q=0.5", "ru"},
		{"RU-ru", "ru"},
		{"en;q=0.9,ru;q=0.8", "en"},
		{"en;q=0.8,ru;q=0.9", "ru"},
		{"de,ru;q=0.3", "ru"},
		{"de-DE,de;q=0.9,en-US;q=0.8,ru;q=0.7", "en"},
		{"ru;q=0", "en"},
		{"ru;q=0,en;q=0", "en"},
		{"de", "en"},
		{"*", "en"},
		{"", "en"},
		{" ru;q=0.5 , en;q=0.4 ", "ru"},
		{"en;q=0.5,ru;q=0.5", "en"}, // equal quality: the first wins
		{"uk,ru;q=0.9", "ru"},
		{"rus", "en"},
	} {
		t.Run(tc.header, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.header != "" {
				r.Header.Set("Accept-Language", tc.header)
			}
			if got := httpapi.Language(r); got != tc.want {
				t.Errorf("Language(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}

// RFC 9110 §12.4.2 allows whitespace around the ";" of a weight and says
// the parameter name "q" is case-insensitive. Browsers send neither, but
// other clients may.
func TestLanguageWeightSyntax(t *testing.T) {
	for _, tc := range []struct{ name, header, want string }{
		{"whitespace before the semicolon", "ru ;q=0.9", "ru"},
		{"whitespace on both sides", "en ; q=0.5, ru ; q=0.9", "ru"},
		{"upper-case Q of zero refuses the language", "ru;Q=0", "en"},
		{"upper-case Q compares by weight", "ru;Q=0.1,en;q=0.5", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Accept-Language", tc.header)
			if got := httpapi.Language(r); got != tc.want {
				t.Errorf("Language(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}
