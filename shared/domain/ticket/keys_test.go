package ticket

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

func seedOf(k ed25519.PrivateKey) string { return base64.StdEncoding.EncodeToString(k.Seed()) }

func ring(t *testing.T, current string, keys map[string]ed25519.PrivateKey) KeyRing {
	t.Helper()
	var parts []string
	for id, k := range keys {
		parts = append(parts, fmt.Sprintf("%q:%q", id, seedOf(k)))
	}
	r, err := ParseKeyRing(fmt.Sprintf(`{"current":%q,"keys":{%s}}`, current, strings.Join(parts, ",")))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestKeyRotation (issue 15, point 10): codes name the key that signed
// them; while a rotation is under way the old and the new key both verify
// and the new one signs; once the old key is retired its codes are refused
// as unknown_key; a code whose key id was swapped is a bad signature; codes
// printed before keys had ids (KB1, a bare seed) still verify.
func TestKeyRotation(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	b := sample(t)
	before := ring(t, "2026-06", map[string]ed25519.PrivateKey{"2026-06": k1})
	during := ring(t, "2026-12", map[string]ed25519.PrivateKey{"2026-06": k1, "2026-12": k2})
	after := ring(t, "2026-12", map[string]ed25519.PrivateKey{"2026-12": k2})

	old := before.Signer().Payload(b)
	if !strings.HasPrefix(old, "KB2.2026-06.") {
		t.Fatalf("payload %q does not name its key", old)
	}
	fresh := during.Signer().Payload(b)
	if !strings.HasPrefix(fresh, "KB2.2026-12.") {
		t.Fatalf("during the rotation the new key must sign: %q", fresh)
	}
	legacy := Signer{Key: k1}.Payload(b) // KB1, from before keys had ids
	bare, err := ParseKeyRing(seedOf(k1))
	if err != nil || bare.Current != LegacyKeyID {
		t.Fatalf("a bare seed: %+v, %v", bare, err)
	}
	swapped := strings.Replace(old, "KB2.2026-06.", "KB2.2026-12.", 1)

	for _, tc := range []struct {
		name    string
		v       Verifier
		payload string
		reason  errs.Reason // "" verifies
	}{
		{"before: its own code", before.Verifier(), old, ""},
		{"during: a code of the old key", during.Verifier(), old, ""},
		{"during: a code of the new key", during.Verifier(), fresh, ""},
		{"after: a code of the new key", after.Verifier(), fresh, ""},
		{"after: the retired key's code", after.Verifier(), old, "unknown_key"},
		{"before: a code of a key not yet known", before.Verifier(), fresh, "unknown_key"},
		{"a swapped key id", during.Verifier(), swapped, "bad_signature"},
		{"a KB1 code, the bare seed's ring", bare.Verifier(), legacy, ""},
		{"a KB1 code, the seed's key as KB2", bare.Verifier(), bare.Signer().Payload(b), ""},
		{"a KB1 code, a ring without the legacy key", during.Verifier(), legacy, "unknown_key"},
		{"a KB1 code, the one-key verifier", Verifier{Key: k1.Public().(ed25519.PublicKey)}, legacy, ""},
		{"a KB2 code, the one-key verifier", Verifier{Key: k1.Public().(ed25519.PublicKey)}, old, "unknown_key"},
		{"an id with a space", during.Verifier(), strings.Replace(old, "2026-06", "2026 06", 1), "malformed_payload"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.v.Verify(tc.payload)
			if tc.reason == "" {
				if err != nil || c.ConfirmationNumber != b.ConfirmationNumber || c.BookingID != b.ID || !c.Start.Equal(b.Start) {
					t.Errorf("claim %+v, %v", c, err)
				}
				return
			}
			if !errs.Is(err, errs.Invalid) || errs.ReasonOf(err) != tc.reason {
				t.Errorf("err = %v, want Invalid %s", err, tc.reason)
			}
		})
	}
}

func TestParseKeyRingRefuses(t *testing.T) {
	s := seedOf(newKey(t))
	for _, tc := range []struct {
		name, in string
		reason   errs.Reason
	}{
		{"not base64", "not a seed", "bad_seed"},
		{"a short seed", base64.StdEncoding.EncodeToString([]byte("short")), "bad_seed"},
		{"not JSON", "{current", "bad_key_ring"},
		{"no keys", `{"current":"a","keys":{}}`, "bad_key_ring"},
		{"current not among the keys", `{"current":"b","keys":{"a":"` + s + `"}}`, "bad_key_ring"},
		{"a bad id", `{"current":"a b","keys":{"a b":"` + s + `"}}`, "bad_key_ring"},
		{"too many keys", `{"current":"a","keys":{"a":"` + s + `","b":"` + s + `","c":"` + s + `","d":"` + s + `"}}`, "bad_key_ring"},
		{"a bad seed in the ring", `{"current":"a","keys":{"a":"xx"}}`, "bad_seed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseKeyRing(tc.in)
			if !errs.Is(err, errs.Invalid) || errs.ReasonOf(err) != tc.reason {
				t.Errorf("err = %v, want Invalid %s", err, tc.reason)
			}
			if err != nil && strings.Contains(err.Error(), s) {
				t.Error("the error repeats the secret")
			}
		})
	}
}
