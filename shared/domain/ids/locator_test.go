package ids

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestLocator(t *testing.T) {
	l := NewLocator(bytes.Repeat([]byte{1}, 32))
	other := NewLocator(bytes.Repeat([]byte{2}, 32))
	id := "0199a3b2-6f1e-7c3d-9a4b-0123456789ab"
	sealed := l.Seal(id, "alice")
	for _, tc := range []struct {
		name      string
		l         *Locator
		in        string
		wantOwner string
		wantOK    bool
	}{
		{"its own id", l, sealed, "alice", true},
		{"a Cognito sub", l, l.Seal(id, "0b6c1f4e-3a52-4c1b-8f1e-7d2a9c4e5f60"), "0b6c1f4e-3a52-4c1b-8f1e-7d2a9c4e5f60", true},
		{"the longest owner sealed", l, l.Seal(id, strings.Repeat("a", MaxSealed)), strings.Repeat("a", MaxSealed), true},
		{"a plain id", l, id, "", false},
		{"an owner too long to seal", l, l.Seal(id, strings.Repeat("a", MaxSealed+1)), "", false},
		{"another key's", other, sealed, "", false},
		{"a nil locator", nil, sealed, "", false},
		{"the owner part changed", l, sealed[:len(sealed)-1] + flip(sealed[len(sealed)-1]), "", false},
		{"moved to another id", l, "0199a3b2-6f1e-7c3d-9a4b-0123456789ac" + sealed[len(id):], "", false},
		{"not base64", l, id + "_!!!", "", false},
		{"empty after the separator", l, id + "_", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.l.Owner(tc.in)
			if got != tc.wantOwner || ok != tc.wantOK {
				t.Errorf("Owner(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.wantOwner, tc.wantOK)
			}
		})
	}
	// httpapi's limit on a path parameter: 128 of [A-Za-z0-9._:-]
	if got := l.Seal(id, strings.Repeat("a", MaxSealed)); len(got) > 128 || !regexp.MustCompile(`^[A-Za-z0-9._:-]+$`).MatchString(got) {
		t.Errorf("the longest sealed id %q (%d characters) is not a path parameter", got, len(got))
	}
	if strings.Contains(sealed, "alice") || !strings.HasPrefix(sealed, id+"_") || strings.Contains(sealed, ".") {
		t.Errorf("sealed id %q: want the plain id, an underscore and the owner unreadable (no dot: the QR payload parts by it)", sealed)
	}
	if got := (*Locator)(nil).Seal(id, "alice"); got != id {
		t.Errorf("a nil locator sealed %q", got)
	}
	if NewLocator(nil) != nil {
		t.Error("NewLocator(nil) is not nil")
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
