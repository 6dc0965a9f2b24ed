package devapi

import (
	"crypto/rsa"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// TokenIssuer signs development tokens with RS256, naming its key
// LocalKeyID. It exists only in the local runner, the tests and the benchmark; in
// AWS, Cognito issues tokens.
type TokenIssuer struct {
	Key      *rsa.PrivateKey
	Issuer   string
	Audience string
	TTL      time.Duration
	Now      func() time.Time
}

// Issue signs a token for id.
func (t *TokenIssuer) Issue(id httpapi.Identity) (string, error) {
	now := time.Now()
	if t.Now != nil {
		now = t.Now()
	}
	c := httpapi.Claims{Groups: id.Groups, Institution: id.Institution, Agency: id.Agency, AgencyRole: id.AgencyRole, Org: id.Org,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: id.Sub, Issuer: t.Issuer, Audience: jwt.ClaimStrings{t.Audience},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.TTL)),
		}}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = httpapi.LocalKeyID
	s, err := tok.SignedString(t.Key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}
