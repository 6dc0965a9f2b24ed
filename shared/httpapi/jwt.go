package httpapi

import (
	"crypto/ecdsa"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/kabinet/kabinet/shared/errs"
)

// Token settings of the local development issuer and verifier. In AWS the
// HTTP API's JWT authorizer trusts the Cognito user pool instead (issuer the
// pool's URL, audience its app client id; infra/stack/cognito.go); both put
// the same claims in front of the handlers.
const (
	LocalIssuer   = "kabinet-local"
	TokenAudience = "kabinet"
	TokenLeeway   = 60 * time.Second
)

// Claims is the JWT payload Kabinet reads. Cognito puts groups in
// "cognito:groups" and custom attributes under "custom:"; the local issuer
// writes the same names so both doors produce the same Identity.
type Claims struct {
	Groups      []string `json:"cognito:groups,omitempty"`
	Institution string   `json:"custom:institution,omitempty"`
	Agency      string   `json:"custom:agency,omitempty"`
	Org         string   `json:"custom:org,omitempty"`
	jwt.RegisteredClaims
}

// TokenVerifier checks ES256 tokens from the local development issuer.
// Only ES256 is accepted: "none", HMAC and RSA tokens are refused.
type TokenVerifier struct {
	Key      *ecdsa.PublicKey
	Issuer   string
	Audience string
	Now      func() time.Time
}

// Authenticate implements Authenticator for "Authorization: Bearer <jwt>".
func (v *TokenVerifier) Authenticate(r *http.Request) (Identity, error) {
	const op = "httpapi.Authenticate"
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		return Identity{}, errs.R(op, errs.Unauthorized, "invalid_token")
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodES256.Alg()}),
		jwt.WithIssuer(v.Issuer), jwt.WithAudience(v.Audience),
		jwt.WithExpirationRequired(), jwt.WithLeeway(TokenLeeway),
	}
	if v.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(v.Now))
	}
	var c Claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return v.Key, nil }, opts...)
	if err != nil || c.Subject == "" {
		return Identity{}, &errs.Error{Kind: errs.Unauthorized, Op: op, Reason: "invalid_token", Err: err}
	}
	return Identity{Sub: c.Subject, Groups: c.Groups, Institution: c.Institution, Agency: c.Agency, Org: c.Org}, nil
}

// TokenIssuer signs development tokens. It exists only in the local runner
// and tests; in AWS, Cognito issues tokens.
type TokenIssuer struct {
	Key      *ecdsa.PrivateKey
	Issuer   string
	Audience string
	TTL      time.Duration
	Now      func() time.Time
}

// Issue signs a token for id.
func (t *TokenIssuer) Issue(id Identity) (string, error) {
	now := time.Now()
	if t.Now != nil {
		now = t.Now()
	}
	c := Claims{Groups: id.Groups, Institution: id.Institution, Agency: id.Agency, Org: id.Org,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: id.Sub, Issuer: t.Issuer, Audience: jwt.ClaimStrings{t.Audience},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.TTL)),
		}}
	s, err := jwt.NewWithClaims(jwt.SigningMethodES256, c).SignedString(t.Key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}
