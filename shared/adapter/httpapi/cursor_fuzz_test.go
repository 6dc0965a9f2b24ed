package httpapi

import (
	"bytes"
	"testing"
)

// FuzzOpenCursor: whatever a client sends as a cursor, opening it never
// panics and yields nothing but for a cursor sealed with this key for this
// binding (the seed corpus holds one; a fuzzing worker seals its own, the
// nonce being random), which gives back exactly what was sealed.
func FuzzOpenCursor(f *testing.F) {
	s, err := newCursorSealer(bytes.Repeat([]byte{7}, CursorKeySize))
	if err != nil {
		f.Fatal(err)
	}
	binding := []byte("alice\x00GET /documents\x00status=valid")
	const inner = "djE6MDE5MGE2YjI"
	good := s.seal(binding, inner)
	for _, c := range []string{good, "", "A", good[:len(good)-1], good + "A", "eyJwayI6IlVTRVIjYm9iIn0"} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c string) {
		got, ok := s.open(binding, c)
		if !ok {
			return
		}
		if got != inner {
			t.Fatalf("opened %q to %q", c, got)
		}
	})
}
