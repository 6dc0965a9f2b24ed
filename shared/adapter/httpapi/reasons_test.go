package httpapi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// declaredReasons reads the module's Go sources (tests excluded) for the
// constants of type errs.Reason and returns each value with where it is
// declared. It also reports every errs.E call given a string literal as a
// detail: a bare string where a Reason belongs, which E would not take as one.
func declaredReasons(t *testing.T) (decl map[errs.Reason][]string, bare []string) {
	t.Helper()
	decl = map[errs.Reason][]string{}
	fset := token.NewFileSet()
	root := filepath.Join("..", "..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch name := d.Name(); {
			case path == root:
			case strings.HasPrefix(name, ".") || name == "web" || name == "node_modules" || name == "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		inErrs := f.Name.Name == "errs"
		isReason := func(e ast.Expr) bool {
			switch e := e.(type) {
			case *ast.Ident:
				return inErrs && e.Name == "Reason"
			case *ast.SelectorExpr:
				x, ok := e.X.(*ast.Ident)
				return ok && x.Name == "errs" && e.Sel.Name == "Reason"
			}
			return false
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				if n.Tok != token.CONST {
					return true
				}
				for _, spec := range n.Specs {
					vs := spec.(*ast.ValueSpec)
					if vs.Type == nil || !isReason(vs.Type) {
						continue
					}
					for i, name := range vs.Names {
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							t.Errorf("%s: reason %s is not a string literal", fset.Position(name.Pos()), name.Name)
							continue
						}
						v, _ := strconv.Unquote(lit.Value)
						decl[errs.Reason(v)] = append(decl[errs.Reason(v)], f.Name.Name+"."+name.Name)
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "E" {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "errs" {
					return true
				}
				for _, a := range n.Args[min(2, len(n.Args)):] {
					if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						bare = append(bare, fset.Position(lit.Pos()).String()+" "+lit.Value)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return decl, bare
}

// TestReasonsHaveProblems holds the problem table and the reasons the
// domains declare together: every declared reason is told to clients
// (reasons: a type URI and titles in both languages) or kept internal
// (internalReasons), never both; the table names no reason that nobody
// declares; no two constants share a value; and no errs.E call passes a
// bare string for a reason.
func TestReasonsHaveProblems(t *testing.T) {
	decl, bare := declaredReasons(t)
	if len(decl) < 30 {
		t.Fatalf("found only %d declared reasons; the source walk no longer finds them", len(decl))
	}
	for r, where := range decl {
		if len(where) > 1 {
			t.Errorf("reason %q is declared %d times (%s): one package owns it", r, len(where), strings.Join(where, ", "))
		}
		titles, public := reasons[r]
		switch {
		case public && internalReasons[r]:
			t.Errorf("reason %q (%s) is both in reasons and internalReasons", r, where[0])
		case public && (titles[0] == "" || titles[1] == ""):
			t.Errorf("reason %q (%s) lacks an English or a Russian title", r, where[0])
		case !public && !internalReasons[r]:
			t.Errorf("reason %q (%s) has no entry in the problem table (reasons, or internalReasons if clients never see it)", r, where[0])
		}
	}
	for r := range reasons {
		if _, ok := decl[r]; !ok {
			t.Errorf("problem table entry %q: no package declares that reason", r)
		}
	}
	for r := range internalReasons {
		if _, ok := decl[r]; !ok {
			t.Errorf("internalReasons entry %q: no package declares that reason", r)
		}
	}
	for _, b := range bare {
		t.Errorf("%s: a string literal passed to errs.E; declare an errs.Reason constant", b)
	}
}
