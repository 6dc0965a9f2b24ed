package csvsafe_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/csvsafe"
)

// TestCell runs the cases of testdata/cells.json, which the web client's
// port of Cell (web/src/csv.ts, csvCell) is tested on too: the two guard
// the same way.
func TestCell(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "cells.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Name, In, Want string }
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 15 {
		t.Fatalf("read %d cases from testdata/cells.json", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			if got := csvsafe.Cell(tc.In); got != tc.Want {
				t.Errorf("Cell(%q) = %q, want %q", tc.In, got, tc.Want)
			}
		})
	}
}

func TestLive(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       int
	}{
		{"guarded", "a,'=1\r\nПетров;'=1+2,\"x; '@y\"\r\n", 0},
		{"a negative count is a number", "Иванов,-5\r\n", 0},
		{"a formula after a semicolon", "Петров;=1+2,x\r\n", 1},
		{"a quoted formula", "a,\"=HYPERLINK(\"\"x\"\")\"\r\n", 1},
		{"after a tab and spaces", "a\t  +1+1\r\n", 1},
		{"minus then text", "a,-x\r\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := csvsafe.Live(tc.file); len(got) != tc.want {
				t.Errorf("Live(%q) = %q, want %d pieces", tc.file, got, tc.want)
			}
		})
	}
}
