package paging

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

func TestClampLimit(t *testing.T) {
	for _, tc := range []struct{ in, want int }{
		{0, 20}, {-1, 20}, {1, 1}, {20, 20}, {99, 99}, {100, 100}, {101, 100}, {1 << 30, 100},
	} {
		t.Run(fmt.Sprint(tc.in), func(t *testing.T) {
			if got := ClampLimit(tc.in); got != tc.want {
				t.Errorf("ClampLimit(%d) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestDecodeCursorRefusesGarbage(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"not base64", "%%%"},
		{"standard base64 with padding", "djE6YQ=="},
		{"base64 of text without the version", "YWJjZGVm"},   // "abcdef"
		{"another version", "djI6YWJj"},                      // "v2:abc"
		{"version only, no position", "djE6"},                // "v1:"
		{"spaces", "djE6 YWJj"},                              // embedded space
		{"too long", EncodeCursor(strings.Repeat("x", 300))}, // over 200 bytes
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeCursor(tc.in)
			if got := errs.KindOf(err); got != errs.Malformed {
				t.Fatalf("kind = %v, want %v (err %v)", got, errs.Malformed, err)
			}
			var e *errs.Error
			if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0] != (errs.FieldError{Field: "cursor", Code: "invalid_cursor"}) {
				t.Errorf("err = %v, want one field error cursor:invalid_cursor", err)
			}
			if got != "" {
				t.Errorf("position = %q, want none", got)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"empty means from the start", ""},
		{"a uuid", "0199a3b2-6f1e-7c3d-9a4b-0123456789ab"},
		{"one character", "a"},
		{"separators", "DOC#x|y:z"},
		{"unicode", "документ"},
		{"the longest accepted (197 bytes)", strings.Repeat("x", 197)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := EncodeCursor(tc.in)
			if tc.in == "" && c != "" {
				t.Errorf("EncodeCursor(\"\") = %q, want \"\"", c)
			}
			if tc.in != "" && strings.Contains(c, tc.in) {
				t.Errorf("cursor %q shows the position in clear", c)
			}
			got, err := DecodeCursor(c)
			if err != nil {
				t.Fatalf("DecodeCursor(%q): %v", c, err)
			}
			if got != tc.in {
				t.Errorf("round trip = %q, want %q", got, tc.in)
			}
		})
	}
}
