package ids

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// Locator seals the owner into the id of an object that staff name by id
// alone (a booking, an application, a share), so the store reads the
// object straight from its owner's partition instead of first reading the
// reference that names the owner: one round trip less for every staff
// request. An id is <id>_<sealed>: the plain id (time-ordered, so the
// sealed id sorts as it does), then the owner XORed with a keystream that
// HMAC-SHA256 draws from the key and the plain id (unique, so no stream is
// used twice), and a 32-bit tag over both. Nobody without the key reads
// the owner out of an id, nor makes one that opens but by a 1-in-2^32
// guess.
//
// It only saves a read: the reference is still written, so an id from
// before, from another key (rotated), or too long to seal (an owner over
// MaxSealed bytes) is found through it, and the owner an id opens to is
// checked as any other (the object must be there, and the caller's).
type Locator struct{ key []byte }

// MaxSealed is the longest owner an id seals: the id stays within the
// 128 characters a path parameter may have.
const MaxSealed = 60

const tagSize = 4

// sep parts the plain id from the sealed owner: in no plain id (a UUID),
// allowed in a path parameter, and not the dot the booking's QR payload
// parts its fields with (ticket.Payload). Base64url may hold it too: the
// first one parts.
const sep = "_"

// NewLocator is the locator of key, derived for this use alone; nil (which
// seals nothing) when key is empty.
func NewLocator(key []byte) *Locator {
	if len(key) == 0 {
		return nil
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("kabinet/ids/locator/v1"))
	return &Locator{key: m.Sum(nil)}
}

// Seal returns id with owner sealed into it; id as it is for a nil locator,
// an owner longer than MaxSealed, or an id holding the separator already.
func (l *Locator) Seal(id, owner string) string {
	if l == nil || len(owner) == 0 || len(owner) > MaxSealed || strings.Contains(id, sep) {
		return id
	}
	b := make([]byte, len(owner), len(owner)+tagSize)
	for i, k := range l.stream(id, len(owner)) {
		b[i] = owner[i] ^ k
	}
	b = append(b, l.tag(id, owner)...)
	return id + sep + base64.RawURLEncoding.EncodeToString(b)
}

// Owner opens a sealed id: the owner it names, or false for an id not
// sealed by this locator (a nil locator opens none).
func (l *Locator) Owner(sealed string) (string, bool) {
	id, rest, ok := strings.Cut(sealed, sep)
	if l == nil || !ok {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(b) <= tagSize || len(b) > MaxSealed+tagSize {
		return "", false
	}
	n := len(b) - tagSize
	owner := make([]byte, n)
	for i, k := range l.stream(id, n) {
		owner[i] = b[i] ^ k
	}
	if subtle.ConstantTimeCompare(b[n:], l.tag(id, string(owner))) != 1 {
		return "", false
	}
	return string(owner), true
}

// stream is n bytes of keystream for id: HMAC(key, "s" id counter) blocks.
func (l *Locator) stream(id string, n int) []byte {
	var out []byte
	for c := byte(0); len(out) < n; c++ {
		m := hmac.New(sha256.New, l.key)
		m.Write([]byte{'s', c})
		m.Write([]byte(id))
		out = m.Sum(out)
	}
	return out[:n]
}

// tag authenticates owner sealed into id.
func (l *Locator) tag(id, owner string) []byte {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte{'t', byte(len(id))})
	m.Write([]byte(id))
	m.Write([]byte(owner))
	return m.Sum(nil)[:tagSize]
}
