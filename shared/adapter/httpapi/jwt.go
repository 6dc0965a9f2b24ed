package httpapi

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Token settings of the local development issuer and verifier. In AWS the
// HTTP API's JWT authorizer trusts the Cognito user pool instead (issuer the
// pool's URL, audience its app client id; infra/stack/cognito.go); both put
// the same claims in front of the handlers.
const (
	LocalIssuer   = "kabinet-local"
	TokenAudience = "kabinet"
	// LocalKeyID names the local signing key in tokens' "kid" header, as
	// Cognito names the key of its JWKS that signed a token.
	LocalKeyID = "kabinet-local-1"
)

// TokenAlgorithms are the signing algorithms a token may use: API Gateway's
// JWT authorizer accepts only RSA-based ones (Cognito signs with RS256), and
// the local verifier accepts exactly what it does, so a client that works
// locally works deployed. "none", HMAC and ECDSA tokens are refused.
var TokenAlgorithms = []string{"RS256", "RS384", "RS512"}

// Claims is the JWT payload Kabinet reads. Cognito puts groups in
// "cognito:groups" and custom attributes under "custom:"; the local issuer
// writes the same names so both doors produce the same Identity.
type Claims struct {
	Groups      []string `json:"cognito:groups,omitempty"`
	Institution string   `json:"custom:institution,omitempty"`
	Agency      string   `json:"custom:agency,omitempty"`
	AgencyRole  string   `json:"custom:agencyRole,omitempty"`
	Org         string   `json:"custom:org,omitempty"`
	// ClientID is what Cognito's access tokens carry instead of "aud".
	ClientID string `json:"client_id,omitempty"`
	jwt.RegisteredClaims
}

// TokenVerifier checks tokens of the local development issuer by the rules
// API Gateway's JWT authorizer applies to Cognito's (its documentation,
// "Authorizing API requests with a JWT authorizer"): an RSA signature by the
// key the "kid" header names; "iss" equal to the issuer; "aud" containing
// the audience, or, only when there is no "aud", "client_id" equal to it;
// "exp" required and after now; "nbf" and "iat", when present, not after
// now. There is no clock-skew allowance, as the authorizer documents none.
type TokenVerifier struct {
	Key      *rsa.PublicKey
	KeyID    string // "" accepts LocalKeyID
	Issuer   string
	Audience string
	Now      func() time.Time
}

// Authenticate implements Authenticator for "Authorization: Bearer <jwt>".
// Errors: Unauthorized (reason invalid_token) for anything but a valid token.
func (v *TokenVerifier) Authenticate(r *http.Request) (Identity, error) {
	const op = "httpapi.Authenticate"
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		return Identity{}, errs.E(op, errs.Unauthorized, ReasonInvalidToken)
	}
	kid := v.KeyID
	if kid == "" {
		kid = LocalKeyID
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(TokenAlgorithms), jwt.WithIssuer(v.Issuer),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
	}
	if v.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(v.Now))
	}
	var c Claims
	_, err := jwt.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		if t.Header["kid"] != kid {
			return nil, fmt.Errorf("unknown key id %v", t.Header["kid"])
		}
		return v.Key, nil
	}, opts...)
	if err == nil {
		err = v.audience(c)
	}
	if err != nil || c.Subject == "" {
		return Identity{}, errs.E(op, errs.Unauthorized, ReasonInvalidToken, err)
	}
	return Identity{Sub: c.Subject, Groups: c.Groups, Institution: c.Institution, Agency: c.Agency, AgencyRole: c.AgencyRole, Org: c.Org}, nil
}

// audience checks "aud", or "client_id" when there is no "aud", as the
// authorizer does.
func (v *TokenVerifier) audience(c Claims) error {
	if len(c.Audience) > 0 {
		if slices.Contains(c.Audience, v.Audience) {
			return nil
		}
		return fmt.Errorf("audience %v", c.Audience)
	}
	if c.ClientID == v.Audience {
		return nil
	}
	return fmt.Errorf("no audience, client_id %q", c.ClientID)
}
