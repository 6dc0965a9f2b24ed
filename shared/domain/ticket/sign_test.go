package ticket

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func verifierOf(k ed25519.PrivateKey) Verifier { return Verifier{Key: k.Public().(ed25519.PublicKey)} }

func TestQRRoundTrip(t *testing.T) {
	key := newKey(t)
	base := sample(t)
	kamchatka := base
	kamchatka.TimeZone = "Asia/Kamchatka"
	kamchatka.Start = time.Date(2027, 1, 5, 9, 0, 0, 0, mustZone(t, "Asia/Kamchatka"))
	short := base
	short.ID, short.ConfirmationNumber = "b1", "KB-0000-0000"

	tests := []struct {
		name           string
		b              Booking
		size, wantSize int
	}{
		{"default size", base, 0, 256},
		{"256", base, 256, 256},
		{"large", base, 600, 600},
		{"too small grows to the code", base, 20, 0},
		{"kamchatka", kamchatka, 256, 256},
		{"short ids", short, 256, 256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := Signer{Key: key}.Payload(tt.b)
			if !strings.HasPrefix(payload, "KB1."+tt.b.ConfirmationNumber+"."+tt.b.ID+".") {
				t.Fatalf("payload %q", payload)
			}
			pngBytes, err := QRPNG(payload, tt.size)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatal(err)
			}
			if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != h || (tt.wantSize > 0 && w != tt.wantSize) {
				t.Fatalf("image %dx%d, want %d", w, h, tt.wantSize)
			}
			grid, err := qrGrid(img)
			if err != nil {
				t.Fatal(err)
			}
			text, level, err := decodeQR(grid)
			if err != nil {
				t.Fatal(err)
			}
			if level != "M" {
				t.Errorf("error correction %s, want M", level)
			}
			if text != payload {
				t.Fatalf("decoded %q\nwant    %q", text, payload)
			}
			claim, err := verifierOf(key).Verify(text)
			if err != nil {
				t.Fatal(err)
			}
			if claim.ConfirmationNumber != tt.b.ConfirmationNumber || claim.BookingID != tt.b.ID || !claim.Start.Equal(tt.b.Start) {
				t.Errorf("claim %+v", claim)
			}
			if claim.Start.Location() != time.UTC {
				t.Errorf("claim start in %v, want UTC", claim.Start.Location())
			}
		})
	}
}

func TestQRPNGDeterministic(t *testing.T) {
	a, _ := QRPNG("KB1.x.y.1.z", 256)
	b, _ := QRPNG("KB1.x.y.1.z", 256)
	if !bytes.Equal(a, b) {
		t.Error("same payload, different PNG")
	}
}

func TestQRPNGErrors(t *testing.T) {
	if _, err := QRPNG("", 256); !errs.Is(err, errs.Internal) {
		t.Errorf("empty payload: %v", err)
	}
	if _, err := QRPNG("x", maxQRSize+1); !errs.Is(err, errs.Invalid) {
		t.Errorf("huge size: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	key := newKey(t)
	v := verifierOf(key)
	good := Signer{Key: key}.Payload(sample(t))
	parts := strings.Split(good, ".")
	join := func(p ...string) string { return strings.Join(p, ".") }
	flip := func(s string, i int) string { // change one character, keeping the alphabet
		c := byte('A')
		if s[i] == 'A' {
			c = 'B'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	otherKey := Signer{Key: newKey(t)}.Payload(sample(t))

	tests := []struct {
		name, payload, reason string
	}{
		{"tampered confirmation number", join(parts[0], "KB-7F3K-9Q2N", parts[2], parts[3], parts[4]), "bad_signature"},
		{"tampered booking id", join(parts[0], parts[1], "01937c4e-7f3a-7b2c-9d1e-0a1b2c3d4e60", parts[3], parts[4]), "bad_signature"},
		{"tampered start", join(parts[0], parts[1], parts[2], "1797064260", parts[4]), "bad_signature"},
		{"tampered signature", join(parts[0], parts[1], parts[2], parts[3], flip(parts[4], 10)), "bad_signature"},
		{"another key", otherKey, "bad_signature"},
		{"empty", "", "malformed_payload"},
		{"other version", "KB2" + strings.TrimPrefix(good, "KB1"), "malformed_payload"},
		{"four fields", join(parts[0], parts[1], parts[3], parts[4]), "malformed_payload"},
		{"six fields", good + ".x", "malformed_payload"},
		{"bad base64", join(parts[0], parts[1], parts[2], parts[3], "!!!not*base64!!!"), "malformed_payload"},
		{"padded base64", good + "==", "malformed_payload"},
		{"short signature", join(parts[0], parts[1], parts[2], parts[3], base64.RawURLEncoding.EncodeToString([]byte("short"))), "malformed_payload"},
		{"start not a number", join(parts[0], parts[1], parts[2], "soon", parts[4]), "malformed_payload"},
		{"start with plus", join(parts[0], parts[1], parts[2], "+"+parts[3], parts[4]), "malformed_payload"},
		{"start with leading zero", join(parts[0], parts[1], parts[2], "0"+parts[3], parts[4]), "malformed_payload"},
		{"empty confirmation number", join(parts[0], "", parts[2], parts[3], parts[4]), "malformed_payload"},
		{"too long", good + strings.Repeat("A", maxPayload), "malformed_payload"},
		{"garbage", "https://example.org/", "malformed_payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(tt.payload)
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if r := err.(*errs.Error).Reason; string(r) != tt.reason {
				t.Errorf("reason %q, want %q", r, tt.reason)
			}
		})
	}

	if _, err := v.Verify(" " + good + "\r\n"); err != nil {
		t.Errorf("scanner white space: %v", err)
	}
	if _, err := (Verifier{}).Verify(good); !errs.Is(err, errs.Internal) {
		t.Errorf("verifier without key: %v", err)
	}
}

func TestPayloadRefusesWhatVerifyWouldReject(t *testing.T) {
	key := newKey(t)
	tests := []struct {
		name string
		s    Signer
		edit func(*Booking)
	}{
		{"no key", Signer{}, func(*Booking) {}},
		{"dot in id", Signer{Key: key}, func(b *Booking) { b.ID = "a.b" }},
		{"empty confirmation", Signer{Key: key}, func(b *Booking) { b.ConfirmationNumber = "" }},
		{"space in confirmation", Signer{Key: key}, func(b *Booking) { b.ConfirmationNumber = "KB 1" }},
		{"non-ASCII id", Signer{Key: key}, func(b *Booking) { b.ID = "номер" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := sample(t)
			tt.edit(&b)
			if p := tt.s.Payload(b); p != "" {
				t.Errorf("payload %q, want empty", p)
			}
		})
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "keys")
	path := filepath.Join(dir, "ticket.pem")

	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != ed25519.PrivateKeySize {
		t.Fatalf("key length %d", len(k1))
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("key dir mode %v, want 0700", st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte("-----BEGIN PRIVATE KEY-----\n")) {
		t.Errorf("not a PKCS#8 PEM:\n%s", data)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".ticket-key-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equal(k2) {
		t.Error("second call returned a different key")
	}
	// The key signs what its public half verifies.
	p := Signer{Key: k2}.Payload(sample(t))
	if _, err := verifierOf(k1).Verify(p); err != nil {
		t.Error(err)
	}
}

func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "ticket.pem")
	keys := make([]ed25519.PrivateKey, 8)
	errsOut := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], errsOut[i] = LoadOrCreateKey(path)
		}()
	}
	wg.Wait()
	for i := range keys {
		if errsOut[i] != nil {
			t.Fatal(errsOut[i])
		}
		if !keys[i].Equal(keys[0]) {
			t.Fatalf("caller %d got another key", i)
		}
	}
}

func TestLoadOrCreateKeyRefusesCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ticket.pem")
	junk := []byte("not a key")
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(path); !errs.Is(err, errs.Internal) {
		t.Fatalf("err = %v, want Internal", err)
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, junk) {
		t.Error("corrupt key file was overwritten")
	}
}

func TestKeyFromSeed(t *testing.T) {
	seed := bytes.Repeat([]byte{0xfb, 0x3e, 0x07}, 11)[:32] // has + and / in standard base64
	for name, in := range map[string]string{
		"std":            base64.StdEncoding.EncodeToString(seed),
		"raw std":        base64.RawStdEncoding.EncodeToString(seed),
		"url":            base64.URLEncoding.EncodeToString(seed),
		"raw url":        base64.RawURLEncoding.EncodeToString(seed),
		"trailing space": base64.StdEncoding.EncodeToString(seed) + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			k, err := KeyFromSeed(in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(k.Seed(), seed) {
				t.Error("seed does not round-trip")
			}
			if !k.Equal(ed25519.NewKeyFromSeed(seed)) {
				t.Error("different key")
			}
		})
	}
	for name, in := range map[string]string{
		"empty":      "",
		"not base64": "this is not base64!",
		"too short":  base64.StdEncoding.EncodeToString(seed[:16]),
		"too long":   base64.StdEncoding.EncodeToString(append(seed, seed...)),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := KeyFromSeed(in)
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if in != "" && strings.Contains(err.Error(), in) {
				t.Error("error message repeats the secret")
			}
		})
	}
}
