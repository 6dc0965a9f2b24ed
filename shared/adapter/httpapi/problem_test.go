package httpapi

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryFieldCodeHasMessages reads the Go sources of shared/ for the
// field error codes they produce and checks each has an English and a
// Russian message, so no client ever gets a bare code.
func TestEveryFieldCodeHasMessages(t *testing.T) {
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`\.Add\("[^"]*", "([a-z_]+)"\)`),
		regexp.MustCompile(`fieldErr\(op, "[^"]*", "([a-z_]+)"\)`),
		regexp.MustCompile(`FieldError\{Field: "[^"]*", Code: "([a-z_]+)"\}`),
		regexp.MustCompile(`fe\.Add\([a-z.]+, "([a-z_]+)"\)`),
	}
	codes := map[string]string{}
	err := filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range patterns {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				codes[m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d codes; the patterns no longer match the sources", len(codes))
	}
	for code, path := range codes {
		m, ok := fieldMessages[code]
		if !ok || m[0] == "" || m[1] == "" {
			t.Errorf("field code %q (used in %s) has no English and Russian message", code, path)
		}
	}
}
