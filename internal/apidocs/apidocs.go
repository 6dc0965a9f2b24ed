// Package apidocs renders an OpenAPI document as a self-contained HTML API
// reference for the local server's GET /docs. It lives apart from the HTTP
// handlers so the Lambda binaries do not carry an OpenAPI parser.
package apidocs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Page renders spec (an OpenAPI document) as a self-contained HTML API
// reference: no scripts, no external resources.
func Page(ctx context.Context, spec []byte) ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, err
	}
	type param struct {
		Name, In, Schema, Description string
		Required                      bool
	}
	type body struct{ ContentType, Schema, Example string }
	type response struct{ Code, Description, Content, Headers string }
	type operation struct {
		Method, Path, Anchor, Summary, Description string
		Params                                     []param
		Bodies                                     []body
		BodyRequired                               bool
		Responses                                  []response
	}
	type tag struct {
		Name, Description string
		Ops               []operation
	}
	type prop struct {
		Name, Schema, Description string
		Required                  bool
	}
	type schema struct {
		Name, Description string
		Props             []prop
	}
	var tags []*tag
	byName := map[string]*tag{}
	for _, t := range doc.Tags {
		tg := &tag{Name: t.Name, Description: t.Description}
		tags = append(tags, tg)
		byName[t.Name] = tg
	}
	methods := []string{"GET", "PUT", "POST", "PATCH", "DELETE"}
	paths := doc.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, path := range keys {
		item := paths[path]
		for _, m := range methods {
			op := item.GetOperation(m)
			if op == nil {
				continue
			}
			o := operation{Method: m, Path: path, Summary: op.Summary, Description: op.Description,
				Anchor: op.OperationID}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value == nil {
					continue
				}
				o.Params = append(o.Params, param{Name: p.Value.Name, In: p.Value.In, Schema: schemaText(p.Value.Schema),
					Description: p.Value.Description, Required: p.Value.Required})
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				o.BodyRequired = rb.Value.Required
				for _, ct := range sortedKeys(rb.Value.Content) {
					mt := rb.Value.Content[ct]
					b := body{ContentType: ct, Schema: schemaText(mt.Schema)}
					if mt.Example != nil {
						ex, _ := json.MarshalIndent(mt.Example, "", "  ")
						b.Example = string(ex)
					}
					o.Bodies = append(o.Bodies, b)
				}
			}
			codes := op.Responses.Map()
			for _, code := range sortedKeys(codes) {
				r := codes[code].Value
				if r == nil {
					continue
				}
				res := response{Code: code}
				if r.Description != nil {
					res.Description = *r.Description
				}
				var cs []string
				for _, ct := range sortedKeys(r.Content) {
					cs = append(cs, ct+": "+schemaText(r.Content[ct].Schema))
				}
				res.Content = strings.Join(cs, "; ")
				res.Headers = strings.Join(sortedKeys(r.Headers), ", ")
				o.Responses = append(o.Responses, res)
			}
			name := "other"
			if len(op.Tags) > 0 {
				name = op.Tags[0]
			}
			tg := byName[name]
			if tg == nil {
				tg = &tag{Name: name}
				tags = append(tags, tg)
				byName[name] = tg
			}
			tg.Ops = append(tg.Ops, o)
		}
	}
	var schemas []schema
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.Schemas) {
			s := doc.Components.Schemas[name].Value
			if s == nil {
				continue
			}
			sc := schema{Name: name, Description: s.Description}
			for _, pn := range sortedKeys(s.Properties) {
				ps := s.Properties[pn]
				desc := ""
				if ps.Value != nil {
					desc = ps.Value.Description
				}
				sc.Props = append(sc.Props, prop{Name: pn, Schema: schemaText(ps), Description: desc, Required: slices.Contains(s.Required, pn)})
			}
			schemas = append(schemas, sc)
		}
	}
	var security []string
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.SecuritySchemes) {
			s := doc.Components.SecuritySchemes[name].Value
			security = append(security, fmt.Sprintf("%s: %s %s (%s)", name, s.Type, s.Scheme, s.BearerFormat))
		}
	}
	var buf bytes.Buffer
	err = docsTemplate.Execute(&buf, map[string]any{"Info": doc.Info, "Version": doc.OpenAPI, "Tags": tags,
		"Schemas": schemas, "Security": security})
	return buf.Bytes(), err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// schemaText describes a schema in a few words: its component name, or its
// type with format, enum and bounds.
func schemaText(ref *openapi3.SchemaRef) string {
	if ref == nil {
		return ""
	}
	if ref.Ref != "" {
		return ref.Ref[strings.LastIndexByte(ref.Ref, '/')+1:]
	}
	s := ref.Value
	if s == nil {
		return ""
	}
	var types []string
	if s.Type != nil {
		types = s.Type.Slice()
	}
	t := strings.Join(types, " | ")
	if t == "" {
		t = "any"
	}
	if s.Type != nil && s.Type.Includes("array") && s.Items != nil {
		t = strings.Replace(t, "array", "array of "+schemaText(s.Items), 1)
	}
	if s.Type != nil && s.Type.Includes("object") && s.AdditionalProperties.Schema != nil {
		t = strings.Replace(t, "object", "map of "+schemaText(s.AdditionalProperties.Schema), 1)
	}
	var extra []string
	if s.Format != "" {
		extra = append(extra, s.Format)
	}
	if len(s.Enum) > 0 {
		var vs []string
		for _, v := range s.Enum {
			vs = append(vs, fmt.Sprint(v))
		}
		extra = append(extra, "one of "+strings.Join(vs, ", "))
	}
	if s.Min != nil {
		extra = append(extra, "≥ "+strconv.FormatFloat(*s.Min, 'f', -1, 64))
	}
	if s.Max != nil {
		extra = append(extra, "≤ "+strconv.FormatFloat(*s.Max, 'f', -1, 64))
	}
	if s.MaxLength != nil {
		extra = append(extra, "at most "+strconv.FormatUint(*s.MaxLength, 10)+" characters")
	}
	if s.MaxItems != nil {
		extra = append(extra, "at most "+strconv.FormatUint(*s.MaxItems, 10)+" items")
	}
	if s.Pattern != "" {
		extra = append(extra, "pattern "+s.Pattern)
	}
	if len(extra) > 0 {
		t += " (" + strings.Join(extra, "; ") + ")"
	}
	return t
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Info.Title}} {{.Info.Version}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1b1f24}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin:1.6rem 0 .3rem;font-size:1.05rem}code,pre{font:13px ui-monospace,monospace}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.m{display:inline-block;min-width:4rem;padding:0 .4rem;border-radius:3px;color:#fff;font:bold 12px ui-monospace,monospace;text-align:center}
.GET{background:#1f6feb}.POST{background:#1a7f37}.PUT{background:#9a6700}.PATCH{background:#8250df}.DELETE{background:#cf222e}
.op{border-left:3px solid #d0d7de;padding-left:1rem;margin-bottom:1.5rem}nav ul{columns:2}.req{color:#cf222e}
</style>
</head>
<body>
<h1>{{.Info.Title}}</h1>
<p>Version {{.Info.Version}} · OpenAPI {{.Version}} · <a href="/openapi.yaml">openapi.yaml</a></p>
<p>{{.Info.Description}}</p>
<p>Authentication: {{range .Security}}<code>{{.}}</code> {{end}}— every operation needs <code>Authorization: Bearer &lt;token&gt;</code>.
Errors are <code>application/problem+json</code> (see <a href="#schema-Problem">Problem</a>).</p>
<nav><h2>Operations</h2>{{range .Tags}}<h3>{{.Name}}</h3><ul>{{range .Ops}}
<li><a href="#{{.Anchor}}"><span class="m {{.Method}}">{{.Method}}</span> <code>{{.Path}}</code></a> {{.Summary}}</li>{{end}}
</ul>{{end}}</nav>
{{range .Tags}}<h2 id="tag-{{.Name}}">{{.Name}}</h2>{{if .Description}}<p>{{.Description}}</p>{{end}}
{{range .Ops}}<section class="op" id="{{.Anchor}}">
<h3><span class="m {{.Method}}">{{.Method}}</span> <code>{{.Path}}</code> — {{.Summary}}</h3>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Params}}<table><tr><th>Parameter</th><th>In</th><th>Schema</th><th>Description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} <span class="req">required</span>{{end}}</td><td>{{.In}}</td><td>{{.Schema}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{end}}
{{if .Bodies}}<p>Request body{{if .BodyRequired}} <span class="req">required</span>{{else}} (optional){{end}}:</p>
{{range .Bodies}}<p><code>{{.ContentType}}</code>: <a href="#schema-{{.Schema}}">{{.Schema}}</a></p>{{if .Example}}<pre>{{.Example}}</pre>{{end}}{{end}}{{end}}
<table><tr><th>Status</th><th>Description</th><th>Content</th><th>Headers</th></tr>
{{range .Responses}}<tr><td><code>{{.Code}}</code></td><td>{{.Description}}</td><td>{{.Content}}</td><td>{{.Headers}}</td></tr>
{{end}}</table>
</section>{{end}}{{end}}
<h2>Schemas</h2>
{{range .Schemas}}<section id="schema-{{.Name}}"><h3>{{.Name}}</h3>{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Props}}<table><tr><th>Field</th><th>Schema</th><th>Description</th></tr>
{{range .Props}}<tr><td><code>{{.Name}}</code>{{if .Required}} <span class="req">required</span>{{end}}</td><td>{{.Schema}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{end}}</section>
{{end}}
</body>
</html>
`))
