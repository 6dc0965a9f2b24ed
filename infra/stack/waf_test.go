package stack

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// GIVEN the stack WHEN its distribution is read THEN it carries the edge
// web ACL and serves every first path segment of the route table from the
// API (every method, nothing cached, all viewer headers but Host, HTTPS
// only) with the origin secret in httpapi.OriginHeader as a dynamic
// reference to the origin secret, never a literal.
func TestAPIThroughCloudFront(t *testing.T) {
	_, tj := synth(t)
	dist := props(resources(tj, "AWS::CloudFront::Distribution")[onlyID(t, tj, "AWS::CloudFront::Distribution")])["DistributionConfig"].(obj)
	if dist["WebACLId"] != testWebACLArn {
		t.Errorf("WebACLId = %v, want the edge web ACL", dist["WebACLId"])
	}
	var apiOrigin obj
	for _, o := range list(dist["Origins"]) {
		if o.(obj)["CustomOriginConfig"] != nil {
			apiOrigin = o.(obj)
		}
	}
	if apiOrigin == nil {
		t.Fatalf("no API origin: %s", mustJSON(dist["Origins"]))
	}
	if !strings.Contains(mustJSON(apiOrigin["DomainName"]), onlyID(t, tj, "AWS::ApiGatewayV2::Api")) ||
		apiOrigin["CustomOriginConfig"].(obj)["OriginProtocolPolicy"] != "https-only" {
		t.Errorf("API origin %s", mustJSON(apiOrigin))
	}
	hdrs := list(apiOrigin["OriginCustomHeaders"])
	if len(hdrs) != 1 || hdrs[0].(obj)["HeaderName"] != httpapi.OriginHeader {
		t.Fatalf("origin headers %s", mustJSON(hdrs))
	}
	v := mustJSON(hdrs[0].(obj)["HeaderValue"])
	if !strings.Contains(v, "resolve:secretsmanager") || !strings.Contains(v, "OriginSecret") {
		t.Errorf("origin header value %s, want a dynamic reference to the origin secret", v)
	}
	segments := map[string]bool{}
	for _, r := range functions.Routes() {
		seg, _, _ := strings.Cut(strings.TrimPrefix(r.Path(), "/"), "/")
		segments["/"+seg+"*"] = true
	}
	got := map[string]bool{}
	for _, b := range list(dist["CacheBehaviors"]) {
		b := b.(obj)
		got[b["PathPattern"].(string)] = true
		if b["TargetOriginId"] != apiOrigin["Id"] || b["ViewerProtocolPolicy"] != "https-only" || len(list(b["AllowedMethods"])) != 7 ||
			b["CachePolicyId"] != "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" || b["OriginRequestPolicyId"] != "b689b0a8-53d0-40ab-baf2-68738e2966ac" {
			t.Errorf("behavior %s", mustJSON(b))
		}
	}
	for seg := range segments {
		if !got[seg] {
			t.Errorf("no behavior for %s", seg)
		}
	}
	if len(got) != len(segments) {
		t.Errorf("behaviors %v, want one per first path segment %v", got, segments)
	}
}

// GIVEN the edge stack and the main stack of a deployment, as infra/main.go
// makes them WHEN they are synthesized THEN the web ACL is in us-east-1
// with scope CLOUDFRONT; it blocks each token over its limit (a rate rule
// on the Authorization header), each token over a tighter limit on the
// route table's costly routes (and only those), each IP without a token
// over its limit, with 429 and a problem+json body; the AWS managed rule
// groups (IP reputation, common, known bad inputs) are on; and the main
// stack's distribution refers to the web ACL across regions.
func TestEdge(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Context: cdkContextMap(t)})
	env := func(region string) *awscdk.Environment {
		return &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String(region)}
	}
	edge := NewEdge(app, "Edge", EdgeProps{Stage: "test", StackProps: awscdk.StackProps{Env: env("us-east-1"), CrossRegionReferences: jsii.Bool(true)}})
	p := testProps
	p.StackProps = awscdk.StackProps{Env: env("eu-central-1"), CrossRegionReferences: jsii.Bool(true)}
	p.WebACLArn = *edge.WebACLArn
	p.AssetDir, p.WebDir = synthDirs(t)
	main := New(app, "Main", p)
	ej := templateJSON(t, edge.Stack)
	acl := props(resources(ej, "AWS::WAFv2::WebACL")[onlyID(t, ej, "AWS::WAFv2::WebACL")])
	if acl["Scope"] != "CLOUDFRONT" || mustJSON(acl["DefaultAction"]) != `{"Allow":{}}` {
		t.Errorf("web ACL scope %v, default %v", acl["Scope"], mustJSON(acl["DefaultAction"]))
	}
	rules := map[string]obj{}
	for _, r := range list(acl["Rules"]) {
		rules[r.(obj)["Name"].(string)] = r.(obj)
	}
	for _, g := range []string{"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} {
		st, _ := rules[g]["Statement"].(obj)["ManagedRuleGroupStatement"].(obj)
		if st["VendorName"] != "AWS" || st["Name"] != g || mustJSON(rules[g]["OverrideAction"]) != `{"None":{}}` {
			t.Errorf("managed group %s: %s", g, mustJSON(rules[g]))
		}
	}
	rate := func(name string) obj {
		r := rules[name]
		if r == nil {
			t.Fatalf("no rule %s", name)
		}
		a := r["Action"].(obj)["Block"].(obj)["CustomResponse"].(obj)
		if a["ResponseCode"] != float64(429) || a["CustomResponseBodyKey"] != wafTooMany {
			t.Errorf("%s answers %s, want 429 with the problem body", name, mustJSON(a))
		}
		return r["Statement"].(obj)["RateBasedStatement"].(obj)
	}
	byToken := `[{"Header":{"Name":"authorization","TextTransformations":[{"Priority":0,"Type":"NONE"}]}}]`
	if s := rate("PerToken"); s["AggregateKeyType"] != "CUSTOM_KEYS" || mustJSON(s["CustomKeys"]) != byToken || s["Limit"] != float64(wafTokenLimit) || s["ScopeDownStatement"] != nil {
		t.Errorf("PerToken %s", mustJSON(s))
	}
	costly := rate("PerTokenCostly")
	if costly["AggregateKeyType"] != "CUSTOM_KEYS" || mustJSON(costly["CustomKeys"]) != byToken || costly["Limit"] != float64(wafCostlyLimit) || wafCostlyLimit >= wafTokenLimit {
		t.Errorf("PerTokenCostly %s", mustJSON(costly))
	}
	// the scope-down matches exactly the costly routes' method and path
	matches := func(method, path string) bool {
		var or []any
		if o, ok := costly["ScopeDownStatement"].(obj)["OrStatement"].(obj); ok {
			or = list(o["Statements"])
		} else {
			or = []any{costly["ScopeDownStatement"]}
		}
		for _, st := range or {
			and := list(st.(obj)["AndStatement"].(obj)["Statements"])
			m := and[0].(obj)["ByteMatchStatement"].(obj)["SearchString"]
			re := regexp.MustCompile(and[1].(obj)["RegexMatchStatement"].(obj)["RegexString"].(string))
			if m == method && re.MatchString(path) {
				return true
			}
		}
		return false
	}
	for _, r := range functions.Routes() {
		path := strings.NewReplacer("{id}", "a-1_b.c", "{orgId}", "org-1").Replace(r.Path())
		if got := matches(r.Method(), path); got != r.Costly {
			t.Errorf("%s (%s): costly rule matches %v, route table says %v", r.Pattern, path, got, r.Costly)
		}
	}
	if matches("POST", "/applications/a/submit/x") || matches("GET", "/bookings") {
		t.Error("costly rule matches beyond its routes")
	}
	anon := rate("PerIPWithoutToken")
	if anon["AggregateKeyType"] != "IP" || anon["Limit"] != float64(wafAnonymousLimit) ||
		!strings.Contains(mustJSON(anon["ScopeDownStatement"]), `"NotStatement"`) || !strings.Contains(mustJSON(anon["ScopeDownStatement"]), `"authorization"`) {
		t.Errorf("PerIPWithoutToken %s", mustJSON(anon))
	}
	body := acl["CustomResponseBodies"].(obj)[wafTooMany].(obj)
	if body["ContentType"] != "APPLICATION_JSON" || !strings.Contains(body["Content"].(string), `"status":429`) {
		t.Errorf("429 body %s", mustJSON(body))
	}
	var order []float64
	for _, r := range list(acl["Rules"]) {
		order = append(order, r.(obj)["Priority"].(float64))
	}
	if !slices.IsSorted(order) || len(slices.Compact(slices.Clone(order))) != len(order) {
		t.Errorf("rule priorities %v: want distinct, managed groups first", order)
	}
	mj := templateJSON(t, main)
	dist := props(resources(mj, "AWS::CloudFront::Distribution")[onlyID(t, mj, "AWS::CloudFront::Distribution")])["DistributionConfig"].(obj)
	if ref := mustJSON(dist["WebACLId"]); !strings.Contains(ref, "Fn::GetAtt") || !strings.Contains(ref, "ExportsReader") {
		t.Errorf("main stack WebACLId %s, want the cross-region reference to the edge web ACL", ref)
	}
}

// GIVEN an edge stack outside us-east-1 WHEN it is built THEN it panics:
// CloudFront's web ACLs live there.
func TestEdgeOnlyInUSEast1(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("an edge stack in eu-central-1 was built")
		}
	}()
	NewEdge(awscdk.NewApp(nil), "Edge", EdgeProps{Stage: "test", StackProps: awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-central-1")}}})
}

// cdkContextMap is cdk.json's context, for an app of a test's own.
func cdkContextMap(t *testing.T) *map[string]any {
	t.Helper()
	ctx, err := cdkContext()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any(ctx)
	return &m
}

// synthDirs are the dummy asset and web directories synth made.
func synthDirs(t *testing.T) (assets, web string) {
	t.Helper()
	synth(t)
	return assetDir, filepath.Join(assetDir, "web")
}

// templateJSON is st's template as plain JSON values.
func templateJSON(t *testing.T, st awscdk.Stack) obj {
	t.Helper()
	raw, err := json.Marshal(assertions.Template_FromStack(st, nil).ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	var out obj
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
