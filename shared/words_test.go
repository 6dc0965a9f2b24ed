package shared

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/internal/wordscan"
)

// TestNoLatinWordsInRussianTexts scans every Russian text of the server —
// each string literal with a Cyrillic letter in shared/, which holds every
// message template (SMS, e-mail, inbox, problem titles, downloads) — and
// the web client's Russian dictionary for words in Latin letters outside
// wordscan.Allowed: an English or technical word on a Russian screen.
func TestNoLatinWordsInRussianTexts(t *testing.T) {
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(node ast.Node) bool {
			lit, ok := node.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !wordscan.Cyrillic(s) || isPattern(s) {
				return true
			}
			n++
			if w := wordscan.Latin(s); len(w) > 0 {
				t.Errorf("%s: %q has Latin words %q", fset.Position(lit.Pos()), s, w)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("scanned %d Russian literals; the walk missed the templates", n)
	}

	ru := webRussian(t)
	if len(ru) < 100 {
		t.Fatalf("read %d Russian entries from web/src/i18n.ts", len(ru))
	}
	for key, s := range ru {
		if w := wordscan.Latin(s); len(w) > 0 {
			t.Errorf("web/src/i18n.ts ru %q: %q has Latin words %q", key, s, w)
		}
	}
}

// isPattern tells a regular expression (a field's pattern for clients)
// from a text.
func isPattern(s string) bool { return strings.HasPrefix(s, "^") && strings.HasSuffix(s, "$") }

// webRussian reads the ru dictionary of the web client: the entries
// between `const ru = {` and its closing `} as const;`.
func webRussian(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "web", "src", "i18n.ts"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	start := strings.Index(src, "const ru = {")
	end := strings.Index(src[max(start, 0):], "} as const;")
	if start < 0 || end < 0 {
		t.Fatal("web/src/i18n.ts: no `const ru = { ... } as const;`")
	}
	entry := regexp.MustCompile(`(?m)^\s*'([^']+)':\s*'((?:[^'\\]|\\.)*)'`)
	out := map[string]string{}
	for _, m := range entry.FindAllStringSubmatch(src[start:start+end], -1) {
		out[m[1]] = strings.ReplaceAll(m[2], `\'`, `'`)
	}
	return out
}
