package ids

import (
	"strings"
	"testing"
)

func TestValidSubject(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want bool
	}{
		{"a uuid", "0199a3b2-6f1e-7c3d-9a4b-0123456789ab", true},
		{"an e-mail-like sub", "alice@example.org", true},
		{"the longest accepted", strings.Repeat("a", 128), true},
		{"empty", "", false},
		{"too long", strings.Repeat("a", 129), false},
		{"a key separator", "alice#DOC", false},
		{"a space", "ali ce", false},
		{"Cyrillic", "алиса", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidSubject(tc.in); got != tc.want {
				t.Errorf("ValidSubject(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestNewIsValidSubject(t *testing.T) {
	if id := New(); !ValidSubject(id) {
		t.Errorf("ValidSubject(New()) = false for %q", id)
	}
}
