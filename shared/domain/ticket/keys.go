package ticket

import (
	"crypto/ed25519"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// The ticket-signing keys carry an id, so the key can be rotated without
// voiding the codes already printed: during a rotation two keys verify
// (the new one signs), and a code names the key that signed it.
//
// The secret holding them (Secrets Manager in AWS, TICKET_SIGNING_SEED
// locally) is either a bare base64 seed, the form before rotation existed
// (one key, id LegacyKeyID), or a key ring as JSON:
//
//	{"current": "2026-12", "keys": {"2026-06": "<seed b64>", "2026-12": "<seed b64>"}}
//
// README "Rotating the ticket-signing key" gives the steps.

// LegacyKeyID is the id of a key given as a bare seed. Codes printed before
// keys had ids (KB1 payloads) verify against it.
const LegacyKeyID = "k0"

// MaxKeys bounds a key ring: the key signing now and the one whose codes
// are still in people's hands, and room for the next one being added.
const MaxKeys = 3

// keyIDPattern is what a key id may be; compiled on first use, not on
// every cold start.
var keyIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`) })

// KeyRing is the set of signing keys by id and which one signs.
type KeyRing struct {
	Current string
	Keys    map[string]ed25519.PrivateKey
}

// ParseKeyRing reads a secret's value (see above). Errors: Invalid with
// reason "bad_seed" (a seed that is not 32 bytes of base64) or
// "bad_key_ring" (JSON without a current key among at most MaxKeys keys
// with ids of letters, digits, '-' and '_'); messages never repeat the input.
func ParseKeyRing(secret string) (KeyRing, error) {
	const op = "ticket.ParseKeyRing"
	s := strings.TrimSpace(secret)
	if !strings.HasPrefix(s, "{") {
		k, err := KeyFromSeed(s)
		if err != nil {
			return KeyRing{}, err
		}
		return KeyRing{Current: LegacyKeyID, Keys: map[string]ed25519.PrivateKey{LegacyKeyID: k}}, nil
	}
	var raw struct {
		Current string            `json:"current"`
		Keys    map[string]string `json:"keys"`
	}
	bad := errs.E(op, errs.Invalid, ReasonBadKeyRing)
	if err := json.Unmarshal([]byte(s), &raw); err != nil || len(raw.Keys) == 0 || len(raw.Keys) > MaxKeys {
		return KeyRing{}, bad
	}
	r := KeyRing{Current: raw.Current, Keys: map[string]ed25519.PrivateKey{}}
	for id, seed := range raw.Keys {
		if !keyIDPattern().MatchString(id) {
			return KeyRing{}, bad
		}
		k, err := KeyFromSeed(seed)
		if err != nil {
			return KeyRing{}, err
		}
		r.Keys[id] = k
	}
	if _, ok := r.Keys[r.Current]; !ok {
		return KeyRing{}, bad
	}
	return r, nil
}

// Signer is the ring's current key, which signs new codes.
func (r KeyRing) Signer() Signer { return Signer{Key: r.Keys[r.Current], ID: r.Current} }

// Verifier verifies codes signed by any key of the ring.
func (r KeyRing) Verifier() Verifier {
	v := Verifier{Keys: map[string]ed25519.PublicKey{}}
	for id, k := range r.Keys {
		v.Keys[id] = k.Public().(ed25519.PublicKey)
	}
	return v
}

// IDs lists the ring's key ids, sorted, for logs (ids are not secret).
func (r KeyRing) IDs() []string {
	out := make([]string, 0, len(r.Keys))
	for id := range r.Keys {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
