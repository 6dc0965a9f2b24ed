package ticket

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/qrpng"
)

// payloadPrefix versions the QR payload format: a reader that meets another
// prefix knows it cannot check the code rather than calling it forged. KB1
// has no key id (signed by LegacyKeyID's key, or the only key a Verifier
// has); KB2 names its key.
const (
	payloadPrefix      = "KB1"
	payloadPrefixKeyed = "KB2"
)

// maxPayload bounds what Verify reads: a real payload is about 150 bytes, and
// a scanner can hand reception any garbage.
const maxPayload = 512

// Signer signs the QR payloads printed on confirmations. The booking service
// holds one (its key ring's current key, KeyRing.Signer; LoadOrCreateKey
// locally); only the public half ever leaves the back end. With an ID the
// payload names the key (KB2), so the key can be rotated.
type Signer struct {
	Key ed25519.PrivateKey
	ID  string
}

// Verifier checks QR payloads at reception, offline: it needs only the public
// keys, which can be shipped to the reception app. Key alone verifies KB1
// payloads (one key, no ids); Keys by id verify KB2 payloads, and KB1 ones
// with LegacyKeyID's key. During a rotation Keys holds two.
type Verifier struct {
	Key  ed25519.PublicKey
	Keys map[string]ed25519.PublicKey
}

// Claim is what a valid QR code proves: this confirmation number was issued
// by Kabinet for this booking at this start. It says nothing about whether
// the booking is still confirmed — reception looks that up, or at least
// compares Start with the day — because a printed code cannot be revoked.
type Claim struct {
	ConfirmationNumber, BookingID string
	Start                         time.Time
}

// Payload is the text encoded in the booking's QR code:
// KB1.<confirmationNumber>.<bookingID>.<start unix>.<base64url(signature)>,
// or with the signer's key id KB2.<keyID>.<confirmationNumber>..., the
// signature covering everything before the last dot. It is compact so
// the code stays small enough to scan from a phone screen.
//
// It returns "" when it cannot make a payload Verify would accept: the key is
// not an Ed25519 private key (a configuration bug, caught at start-up by
// KeyFromSeed), or the confirmation number or id is empty or holds a dot,
// a space or a non-ASCII byte. QRPNG refuses "", so the fault surfaces as an
// error there rather than as an unverifiable code in a person's hands.
func (s Signer) Payload(b Booking) string {
	if len(s.Key) != ed25519.PrivateKeySize || !payloadField(b.ConfirmationNumber) || !payloadField(b.ID) ||
		(s.ID != "" && !keyIDPattern().MatchString(s.ID)) {
		return ""
	}
	head := payloadPrefix
	if s.ID != "" {
		head = payloadPrefixKeyed + "." + s.ID
	}
	msg := head + "." + b.ConfirmationNumber + "." + b.ID + "." + strconv.FormatInt(b.Start.Unix(), 10)
	return msg + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(s.Key, []byte(msg)))
}

// Verify checks a scanned payload and returns what it claims. Errors: Invalid
// with reason "malformed_payload" when the text is not a KB1 payload (wrong
// prefix, field count, number or base64), "bad_signature" when the signature
// does not match — a forged or altered code, or one signed with another key
// — or names a key the Verifier does not have ("unknown_key": a key retired
// after a rotation, or never Kabinet's); Internal when the Verifier has no
// usable key. Surrounding white space, which
// keyboard-wedge scanners add, is ignored.
func (v Verifier) Verify(payload string) (Claim, error) {
	const op = "ticket.Verify"
	if len(v.Key) != ed25519.PublicKeySize && len(v.Keys) == 0 {
		return Claim{}, errs.E(op, errs.Internal, ReasonBadKey)
	}
	payload = strings.TrimSpace(payload)
	malformed := errs.E(op, errs.Invalid, ReasonMalformedPayload)
	if len(payload) > maxPayload {
		return Claim{}, malformed
	}
	parts := strings.Split(payload, ".")
	key := v.Key
	switch {
	case len(parts) == 5 && parts[0] == payloadPrefix:
		if k, ok := v.Keys[LegacyKeyID]; ok && len(key) == 0 {
			key = k
		}
	case len(parts) == 6 && parts[0] == payloadPrefixKeyed && keyIDPattern().MatchString(parts[1]):
		k, ok := v.Keys[parts[1]]
		if !ok {
			return Claim{}, errs.E(op, errs.Invalid, ReasonUnknownKey)
		}
		key = k
		parts = append(parts[:1], parts[2:]...) // the rest reads as KB1's
	default:
		return Claim{}, malformed
	}
	if !payloadField(parts[1]) || !payloadField(parts[2]) {
		return Claim{}, malformed
	}
	if len(key) != ed25519.PublicKeySize {
		return Claim{}, errs.E(op, errs.Invalid, ReasonUnknownKey)
	}
	sec, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || strconv.FormatInt(sec, 10) != parts[3] {
		return Claim{}, malformed
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[4])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Claim{}, malformed
	}
	msg := payload[:len(payload)-len(parts[4])-1]
	if !ed25519.Verify(key, []byte(msg), sig) {
		return Claim{}, errs.E(op, errs.Invalid, ReasonBadSignature)
	}
	return Claim{ConfirmationNumber: parts[1], BookingID: parts[2], Start: time.Unix(sec, 0).UTC()}, nil
}

// payloadField reports whether s can stand between the payload's dots:
// printable ASCII other than the dot, so the payload splits unambiguously and
// stays in the QR code's byte mode without any charset question.
func payloadField(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '.' {
			return false
		}
	}
	return true
}

// maxQRSize bounds QRPNG's image side in pixels.
const maxQRSize = qrpng.MaxSize

// QRPNG draws payload as a QR code PNG of size×size pixels: qrpng.Encode,
// which the API serves as image/png and PDF embeds. Errors: as Encode.
func QRPNG(payload string, size int) ([]byte, error) { return qrpng.Encode(payload, size) }

// LoadOrCreateKey returns the signing key kept at path as a PKCS#8 PEM,
// creating it (file 0600, missing directories 0700) when there is none. The
// local runner uses it so that QR codes stay valid across restarts without
// any set-up. Creation is atomic: the key is written to a temporary file and
// linked into place, so a concurrent caller either sees no file or the whole
// key, and when two race, both end up with the one that won. An existing file
// that is not an Ed25519 PKCS#8 key is an error, never overwritten.
// Errors: Internal, without key material in the message.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	const op = "ticket.LoadOrCreateKey"
	key, err := readKey(path)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, errs.E(op, errs.Internal, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := writeNew(dir, path, data); err != nil {
		if errors.Is(err, fs.ErrExist) { // another process created it first: use theirs
			if key, err = readKey(path); err == nil {
				return key, nil
			}
		}
		return nil, errs.E(op, errs.Internal, err)
	}
	return key, nil
}

// writeNew puts data at path with mode 0600 unless path exists
// (fs.ErrExist then). It links a complete temporary file into place; where
// the file system cannot link, it falls back to an exclusive create.
func writeNew(dir, path string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".ticket-key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readKey reads an Ed25519 key from a PKCS#8 PEM file.
func readKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: not a PKCS#8 PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: unreadable private key", path)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: private key is %T, not Ed25519", path, k)
	}
	return key, nil
}

// KeyFromSeed makes the signing key from a base64 32-byte Ed25519 seed, as a
// Lambda gets it from an environment variable or a secret (make one with
// `head -c 32 /dev/urandom | base64`). Standard and URL alphabets, with or
// without padding, are accepted and surrounding white space is ignored,
// because secrets are pasted by hand. Errors: Invalid with reason "bad_seed";
// the message never repeats the input.
func KeyFromSeed(b64 string) (ed25519.PrivateKey, error) {
	seed, err := SeedFrom(b64)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// SeedFrom decodes the seed KeyFromSeed takes, without making the key: a
// function checks its seed when it starts and makes the key when it first
// signs, because the first key a process makes also computes Ed25519's
// base-point table (about a millisecond) and a cold start should not pay
// for a ticket nobody asked for yet. Errors: as KeyFromSeed.
func SeedFrom(b64 string) ([]byte, error) {
	s := strings.TrimSpace(b64)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		seed, err := enc.DecodeString(s)
		if err == nil && len(seed) == ed25519.SeedSize {
			return seed, nil
		}
	}
	return nil, errs.E("ticket.KeyFromSeed", errs.Invalid, ReasonBadSeed)
}
