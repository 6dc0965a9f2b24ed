package ticket

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// FuzzVerify: whatever a scanner hands reception, Verify returns an error
// of kind Invalid and never panics, unless the text is the payload that was
// signed (the seed corpus includes it).
func FuzzVerify(f *testing.F) {
	key := newKey(f)
	b := sample(f)
	good := Signer{Key: key}.Payload(b)
	for _, s := range []string{good, "", "KB1....", "KB1.a.b.1.", "KB1.a.b.-1.AAAA", good + "A", strings.ToUpper(good)} {
		f.Add(s)
	}
	v := verifierOf(key)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := v.Verify(s)
		if err == nil {
			if strings.TrimSpace(s) != good || c.BookingID != b.ID {
				t.Fatalf("accepted %q", s)
			}
			return
		}
		if !errs.Is(err, errs.Invalid) {
			t.Fatalf("%q: %v", s, err)
		}
	})
}

// FuzzVerifyKeyRing: FuzzVerify with a key ring in rotation: only the two
// codes signed by its keys verify, whatever else arrives.
func FuzzVerifyKeyRing(f *testing.F) {
	r := KeyRing{Current: "new", Keys: map[string]ed25519.PrivateKey{"old": newKey(f), "new": newKey(f)}}
	b := sample(f)
	good := map[string]bool{r.Signer().Payload(b): true, Signer{Key: r.Keys["old"], ID: "old"}.Payload(b): true}
	for s := range good {
		f.Add(s)
		f.Add(strings.Replace(s, ".new.", ".old.", 1))
	}
	for _, s := range []string{"KB2......", "KB2.x.a.b.1.AAAA", "KB2..a.b.1.AAAA", "KB1.a.b.1.AAAA"} {
		f.Add(s)
	}
	v := r.Verifier()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := v.Verify(s)
		if err == nil {
			if !good[strings.TrimSpace(s)] || c.BookingID != b.ID {
				t.Fatalf("accepted %q", s)
			}
			return
		}
		if !errs.Is(err, errs.Invalid) {
			t.Fatalf("%q: %v", s, err)
		}
	})
}

// FuzzICSText: any text escapes and folds into lines of at most 75 octets
// of valid UTF-8 (for valid input) that unfold and unescape to the input
// less its control characters.
func FuzzICSText(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d\ne", strings.Repeat("ж", 80), "\r\n\x00\t😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c icsWriter
		c.line("X:" + icsText(s))
		out := c.String()
		for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > 75 {
				t.Fatalf("line of %d octets", len(l))
			}
			if utf8.ValidString(s) && !utf8.ValidString(l) {
				t.Fatalf("fold split a rune: %q", l)
			}
		}
		got := icsUnescape(strings.TrimPrefix(strings.TrimSuffix(strings.ReplaceAll(out, "\r\n ", ""), "\r\n"), "X:"))
		want := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\t' || (r >= ' ' && r != 0x7f) {
				return r
			}
			return -1
		}, strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
		if got != want {
			t.Fatalf("round trip %q -> %q, want %q", s, got, want)
		}
	})
}
