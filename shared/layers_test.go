package shared

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is the module path; layers are named by the path below it.
const module = "github.com/kabinet/kabinet/"

// edge is one import: from imports to.
type edge struct{ from, to string }

// allowed are imports that break the rule today and are being mended.
// Each entry is exactly one edge, with why and until when; TestLayers
// fails when an entry no longer matches an import, so none outlives its
// reason.
var allowed = map[edge]string{}

// pkg is what the rule needs of `go list -json` output.
type pkg struct {
	ImportPath string
	Standard   bool
	DepOnly    bool
	Imports    []string
}

// layer says which layer a module package belongs to and, for an adapter,
// which adapter (its top-level directory under shared/adapter/).
func layer(path string) (name, unit string) {
	rel, ok := strings.CutPrefix(path, module)
	if !ok {
		return "", ""
	}
	switch {
	case strings.HasPrefix(rel, "shared/domain/"):
		return "domain", rel
	case strings.HasPrefix(rel, "shared/adapter/"):
		parts := strings.SplitN(rel, "/", 4)
		return "adapter", strings.Join(parts[:3], "/")
	case rel == "shared/app" || strings.HasPrefix(rel, "shared/app/"),
		strings.HasPrefix(rel, "functions/"), strings.HasPrefix(rel, "cmd/"),
		rel == "infra" || strings.HasPrefix(rel, "infra/"):
		return "composition", rel
	case rel == "shared":
		return "doc", rel
	}
	return "other", rel
}

// isAWS reports whether path is an AWS package: the SDK, smithy-go,
// aws-lambda-go and AWS Labs' libraries.
func isAWS(path string) bool {
	return strings.HasPrefix(path, "github.com/aws/") || strings.HasPrefix(path, "github.com/awslabs/")
}

// forbidden says why package from (of the layers' rule) may not depend on
// to, or "" when it may.
func forbidden(from, to string) string {
	fl, fu := layer(from)
	tl, tu := layer(to)
	switch fl {
	case "domain":
		switch {
		case tl == "adapter":
			return "a domain package imports an adapter"
		case tl == "composition":
			return "a domain package imports composition"
		case isAWS(to):
			return "a domain package links an AWS package"
		}
	case "adapter":
		switch {
		case tl == "adapter" && tu != fu:
			return "an adapter imports another adapter"
		case tl == "composition":
			return "an adapter imports composition"
		}
	case "doc":
		if tl != "" {
			return "package shared is documentation only"
		}
	}
	return ""
}

// violations walks the import graph from each root (non-test imports,
// standard library left out) and returns, for each package a root may not
// depend on, one line naming it and the chain of imports that reaches it.
// The walk stops at the first forbidden package of a chain, so one bad
// import is reported once, and does not follow the allowed edges; used
// collects the allowed edges the graph still has.
func violations(graph map[string]pkg, roots []string, allowed map[edge]string) (out []string, used map[edge]bool) {
	used = map[edge]bool{}
	short := func(p string) string { return strings.TrimPrefix(p, module) }
	for _, root := range roots {
		if l, _ := layer(root); l == "other" && strings.HasPrefix(short(root), "shared/") {
			out = append(out, short(root)+" is under shared/ but in no layer: put it in shared/domain, shared/adapter or shared/app")
			continue
		}
		parent := map[string]string{root: ""}
		queue := []string{root}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, q := range graph[p].Imports {
				if _, seen := parent[q]; seen || graph[q].Standard {
					continue
				}
				if _, ok := allowed[edge{short(p), short(q)}]; ok {
					used[edge{short(p), short(q)}] = true
					continue
				}
				parent[q] = p
				if why := forbidden(root, q); why != "" {
					chain := []string{short(q)}
					for x := p; x != ""; x = parent[x] {
						chain = append(chain, short(x))
					}
					slices.Reverse(chain)
					out = append(out, fmt.Sprintf("%s imports %s: %s (%s)", short(root), short(q), why, strings.Join(chain, " → ")))
					continue
				}
				queue = append(queue, q)
			}
		}
	}
	return out, used
}

// listDeps runs `go list -deps -json` (non-test imports) on patterns.
func listDeps(t *testing.T, patterns ...string) (map[string]pkg, []string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-deps", "-json"}, patterns...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	graph := map[string]pkg{}
	var roots []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		graph[p.ImportPath] = p
		if !p.DepOnly {
			roots = append(roots, p.ImportPath)
		}
	}
	return graph, roots
}

// TestLayers keeps the dependency rule of the package comment (doc.go):
// domain imports no adapter, no composition and no AWS package, even
// transitively; an adapter imports no other adapter and no composition.
func TestLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	graph, roots := listDeps(t, "./...") // this directory is shared/
	if len(roots) < 10 || !slices.Contains(roots, module+"shared/domain/registry") {
		t.Fatalf("go list ./... from shared/ listed %d packages: %v", len(roots), roots)
	}
	bad, used := violations(graph, roots, allowed)
	for _, v := range bad {
		t.Error(v)
	}
	for e, why := range allowed {
		if !used[e] {
			t.Errorf("allow-list entry %s → %s (%s) matches no import any more: remove it", e.from, e.to, why)
		} else {
			t.Logf("allowed for now: %s imports %s (%s)", e.from, e.to, why)
		}
	}
}

// TestLayerRules checks the rule on small import graphs, so that TestLayers
// passing means the real graph obeys it, not that the check sees nothing.
func TestLayerRules(t *testing.T) {
	m := func(rel string) string { return module + rel }
	g := func(edges ...[2]string) map[string]pkg {
		out := map[string]pkg{"fmt": {ImportPath: "fmt", Standard: true}}
		for _, e := range edges {
			from, to := e[0], e[1]
			if !strings.Contains(from, ".") {
				from = m(from)
			}
			if !strings.Contains(to, ".") && to != "fmt" {
				to = m(to)
			}
			p := out[from]
			p.ImportPath, p.Imports = from, append(p.Imports, to)
			out[from] = p
			if _, ok := out[to]; !ok {
				out[to] = pkg{ImportPath: to}
			}
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		graph   map[string]pkg
		root    string
		allowed map[edge]string
		want    []string
	}{
		{"domain on domain and the standard library", g(
			[2]string{"shared/domain/booking", "shared/domain/registry"},
			[2]string{"shared/domain/registry", "fmt"}),
			"shared/domain/booking", nil, nil},
		{"domain on an adapter", g(
			[2]string{"shared/domain/booking", "shared/adapter/store"}),
			"shared/domain/booking", nil,
			[]string{"shared/domain/booking imports shared/adapter/store: a domain package imports an adapter (shared/domain/booking → shared/adapter/store)"}},
		{"domain on AWS through a library", g(
			[2]string{"shared/domain/ingest", "example.com/lib"},
			[2]string{"example.com/lib", "github.com/aws/aws-lambda-go/events"},
			[2]string{"github.com/aws/aws-lambda-go/events", "github.com/aws/aws-lambda-go/lambda"}),
			"shared/domain/ingest", nil,
			[]string{"shared/domain/ingest imports github.com/aws/aws-lambda-go/events: a domain package links an AWS package (shared/domain/ingest → example.com/lib → github.com/aws/aws-lambda-go/events)"}},
		{"domain on composition", g(
			[2]string{"shared/domain/orgs", "shared/app/core"}),
			"shared/domain/orgs", nil,
			[]string{"shared/domain/orgs imports shared/app/core: a domain package imports composition (shared/domain/orgs → shared/app/core)"}},
		{"adapter on its own subpackage, the domain and AWS", g(
			[2]string{"shared/adapter/httpapi", "shared/adapter/httpapi/problem"},
			[2]string{"shared/adapter/httpapi/problem", "shared/domain/errs"},
			[2]string{"shared/adapter/httpapi", "github.com/aws/aws-lambda-go/events"}),
			"shared/adapter/httpapi", nil, nil},
		{"adapter on another adapter through its subpackage", g(
			[2]string{"shared/adapter/httpapi", "shared/adapter/httpapi/lambdahttp"},
			[2]string{"shared/adapter/httpapi/lambdahttp", "shared/adapter/store"}),
			"shared/adapter/httpapi", nil,
			[]string{"shared/adapter/httpapi imports shared/adapter/store: an adapter imports another adapter (shared/adapter/httpapi → shared/adapter/httpapi/lambdahttp → shared/adapter/store)"}},
		{"adapter on composition", g(
			[2]string{"shared/adapter/store", "shared/app"}),
			"shared/adapter/store", nil,
			[]string{"shared/adapter/store imports shared/app: an adapter imports composition (shared/adapter/store → shared/app)"}},
		{"an allowed edge is not followed", g(
			[2]string{"shared/adapter/httpapi/lambdahttp", "shared/app"},
			[2]string{"shared/app", "shared/adapter/store"}),
			"shared/adapter/httpapi/lambdahttp", map[edge]string{{"shared/adapter/httpapi/lambdahttp", "shared/app"}: "test"}, nil},
		{"composition on everything", g(
			[2]string{"shared/app", "shared/adapter/store"},
			[2]string{"shared/app", "shared/adapter/notify"},
			[2]string{"shared/app", "github.com/aws/aws-sdk-go-v2/aws"}),
			"shared/app", nil, nil},
		{"a package outside the layers", g(
			[2]string{"shared/util", "fmt"}),
			"shared/util", nil,
			[]string{"shared/util is under shared/ but in no layer: put it in shared/domain, shared/adapter or shared/app"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := violations(tc.graph, []string{m(tc.root)}, tc.allowed)
			if !slices.Equal(got, tc.want) {
				t.Errorf("violations:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
