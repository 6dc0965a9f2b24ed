package emulators

import (
	"bytes"
	"strings"
	"testing"
)

func TestDeclaresModule(t *testing.T) {
	for _, tc := range []struct {
		gomod string
		want  bool
	}{
		{"module github.com/kabinet/kabinet\n\ngo 1.26\n", true},
		{"// comment\nmodule \"github.com/kabinet/kabinet\"\n", true},
		{"module github.com/kabinet/kabinet/infra\n", false},
		{"go 1.26\n", false},
		{"modulex github.com/kabinet/kabinet\n", false},
	} {
		if got := declaresModule([]byte(tc.gomod), modulePath); got != tc.want {
			t.Errorf("declaresModule(%q) = %v, want %v", tc.gomod, got, tc.want)
		}
	}
}

func TestTailBufferKeepsWholeLastLines(t *testing.T) {
	tb := &tailBuffer{max: 16}
	if got := tb.String(); !strings.Contains(got, "no output") {
		t.Errorf("empty tail = %q", got)
	}
	for _, s := range []string{"first line\n", "second line\n", "third\n"} {
		_, _ = tb.Write([]byte(s))
	}
	// 29 bytes written, 16 kept: "d line\nthird\n" after the cut at a newline.
	if got := tb.String(); got != "third\n" {
		t.Errorf("tail = %q, want %q", got, "third\n")
	}
}

func TestLineWriterPrefixesWholeLines(t *testing.T) {
	var out bytes.Buffer
	w := &lineWriter{prefix: "[x] ", dst: &out, tail: &tailBuffer{max: 1024}}
	_, _ = w.Write([]byte("one\ntw"))
	_, _ = w.Write([]byte("o\nthree"))
	if got, want := out.String(), "[x] one\n[x] two\n"; got != want {
		t.Errorf("before flush: %q, want %q", got, want)
	}
	w.flush()
	if got, want := out.String(), "[x] one\n[x] two\n[x] three\n"; got != want {
		t.Errorf("after flush: %q, want %q", got, want)
	}
	if got := w.tail.String(); got != "one\ntwo\nthree" {
		t.Errorf("tail = %q, unprefixed output expected", got)
	}
}
