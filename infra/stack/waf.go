package stack

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// Per-caller limits before any function runs. The HTTP API's stage
// throttle is one bucket for everyone, and AWS WAF does not attach to an
// HTTP API, so the API is served through the web cabinet's CloudFront
// distribution (web.go: a behavior per first path segment of the route
// table) and a WAF web ACL on that distribution limits each caller:
//
//   - per token: a rate-based rule aggregated on the Authorization header
//     (the bearer token: one person's session), over every request;
//   - per token on costly routes: a tighter one on the routes the route
//     table marks Costly (they send SMS or reserve capacity);
//   - per IP for requests without a token (the web cabinet's files, a
//     client trying tokens);
//   - AWS managed rule groups: IP reputation, the common rule set, known
//     bad inputs.
//
// A web ACL for CloudFront must be created in us-east-1 (scope CLOUDFRONT),
// whatever the region of the rest, so it is a stack of its own (NewEdge),
// and the distribution refers to it across regions: CDK's cross-region
// references (an SSM parameter written in us-east-1 and read by a custom
// resource in the main stack's region) need both stacks to name their
// region, which infra/main.go does. The alternative, a web ACL ARN passed
// by hand between two deployments, would let a stage deploy without it.
//
// Limits are per 5 minutes (WAF's evaluation window), answered 429 with a
// problem+json body like the API's own.
const (
	wafWindowSeconds = 300
	// A person's session: the web cabinet makes a few requests per screen;
	// 600 in 5 minutes (2 a second sustained) is far above a person and far
	// below what one token could otherwise take from everyone.
	wafTokenLimit = 600
	// Costly routes: 20 in 5 minutes per token.
	wafCostlyLimit = 20
	// Without a token: the cabinet's files and sign-in; 300 in 5 minutes
	// per IP (carrier NAT shares IPs, so not lower).
	wafAnonymousLimit = 300
)

// Edge is the stack in us-east-1 holding the web ACL of the CloudFront
// distribution.
type Edge struct {
	Stack awscdk.Stack
	// WebACLArn is the web ACL's ARN, for Props.WebACLArn.
	WebACLArn *string
	ACL       awswafv2.CfnWebACL
}

// EdgeProps configure the edge stack of one stage. Its StackProps must
// place it in us-east-1.
type EdgeProps struct {
	awscdk.StackProps
	Stage string
}

// NewEdge builds the edge stack of a stage: the WAF web ACL (scope
// CLOUDFRONT) with the rules above. It panics unless p places it in
// us-east-1, where CloudFront's web ACLs live.
func NewEdge(scope constructs.Construct, id string, p EdgeProps) Edge {
	if p.Env == nil || p.Env.Region == nil || *p.Env.Region != "us-east-1" {
		panic("stack: the edge stack (CloudFront's web ACL) must be in us-east-1")
	}
	if p.Stage == "" {
		panic("stack: edge stack without a stage")
	}
	st := awscdk.NewStack(scope, jsii.String(id), &p.StackProps)
	acl := newWebACL(st, p.Stage)
	return Edge{Stack: st, WebACLArn: acl.AttrArn(), ACL: acl}
}

// wafTooMany is the custom response body key of the 429 answers.
const wafTooMany = "too-many-requests"

// wafProblem is the body of WAF's 429: the API's problem for throttling.
const wafProblem = `{"type":"https://kabinet.dev/problems/too-many-requests","title":"Too many requests, try again shortly","status":429}`

func newWebACL(scope constructs.Construct, stage string) awswafv2.CfnWebACL {
	visibility := func(name string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
		return &awswafv2.CfnWebACL_VisibilityConfigProperty{
			CloudWatchMetricsEnabled: jsii.Bool(true), SampledRequestsEnabled: jsii.Bool(true),
			MetricName: jsii.String("kabinet-" + stage + "-" + name),
		}
	}
	block429 := &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{
		CustomResponse: &awswafv2.CfnWebACL_CustomResponseProperty{
			ResponseCode: jsii.Number(429), CustomResponseBodyKey: jsii.String(wafTooMany),
			ResponseHeaders: &[]any{&awswafv2.CfnWebACL_CustomHTTPHeaderProperty{Name: jsii.String("Retry-After"), Value: jsii.String("60")}},
		},
	}}
	authorization := &awswafv2.CfnWebACL_RateBasedStatementCustomKeyProperty{
		Header: &awswafv2.CfnWebACL_RateLimitHeaderProperty{Name: jsii.String("authorization"),
			TextTransformations: &[]any{&awswafv2.CfnWebACL_TextTransformationProperty{Priority: jsii.Number(0), Type: jsii.String("NONE")}}},
	}
	managed := func(priority int, name string, excluded ...string) *awswafv2.CfnWebACL_RuleProperty {
		var overrides []any
		for _, rule := range excluded {
			overrides = append(overrides, &awswafv2.CfnWebACL_RuleActionOverrideProperty{
				Name: jsii.String(rule), ActionToUse: &awswafv2.CfnWebACL_RuleActionProperty{Count: &awswafv2.CfnWebACL_CountActionProperty{}}})
		}
		g := &awswafv2.CfnWebACL_ManagedRuleGroupStatementProperty{VendorName: jsii.String("AWS"), Name: jsii.String(name)}
		if len(overrides) > 0 {
			g.RuleActionOverrides = &overrides
		}
		return &awswafv2.CfnWebACL_RuleProperty{
			Name: jsii.String(name), Priority: jsii.Number(priority),
			Statement:        &awswafv2.CfnWebACL_StatementProperty{ManagedRuleGroupStatement: g},
			OverrideAction:   &awswafv2.CfnWebACL_OverrideActionProperty{None: map[string]any{}},
			VisibilityConfig: visibility(name),
		}
	}
	hasToken := &awswafv2.CfnWebACL_StatementProperty{SizeConstraintStatement: &awswafv2.CfnWebACL_SizeConstraintStatementProperty{
		FieldToMatch:       &awswafv2.CfnWebACL_FieldToMatchProperty{SingleHeader: map[string]any{"Name": "authorization"}},
		ComparisonOperator: jsii.String("GT"), Size: jsii.Number(0),
		TextTransformations: &[]any{&awswafv2.CfnWebACL_TextTransformationProperty{Priority: jsii.Number(0), Type: jsii.String("NONE")}},
	}}
	rules := []any{
		managed(0, "AWSManagedRulesAmazonIpReputationList"),
		// SizeRestrictions_BODY blocks bodies over 8 KB; the API takes up
		// to 64 KiB and answers 413 itself beyond.
		managed(1, "AWSManagedRulesCommonRuleSet", "SizeRestrictions_BODY"),
		managed(2, "AWSManagedRulesKnownBadInputsRuleSet"),
		&awswafv2.CfnWebACL_RuleProperty{
			Name: jsii.String("PerTokenCostly"), Priority: jsii.Number(10), Action: block429, VisibilityConfig: visibility("per-token-costly"),
			Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
				Limit: jsii.Number(wafCostlyLimit), EvaluationWindowSec: jsii.Number(wafWindowSeconds), AggregateKeyType: jsii.String("CUSTOM_KEYS"),
				CustomKeys:         &[]any{authorization},
				ScopeDownStatement: costlyRoutesStatement(functions.Routes()),
			}},
		},
		&awswafv2.CfnWebACL_RuleProperty{
			Name: jsii.String("PerToken"), Priority: jsii.Number(11), Action: block429, VisibilityConfig: visibility("per-token"),
			Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
				Limit: jsii.Number(wafTokenLimit), EvaluationWindowSec: jsii.Number(wafWindowSeconds), AggregateKeyType: jsii.String("CUSTOM_KEYS"),
				CustomKeys: &[]any{authorization},
			}},
		},
		&awswafv2.CfnWebACL_RuleProperty{
			Name: jsii.String("PerIPWithoutToken"), Priority: jsii.Number(12), Action: block429, VisibilityConfig: visibility("per-ip-anonymous"),
			Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
				Limit: jsii.Number(wafAnonymousLimit), EvaluationWindowSec: jsii.Number(wafWindowSeconds), AggregateKeyType: jsii.String("IP"),
				ScopeDownStatement: &awswafv2.CfnWebACL_StatementProperty{NotStatement: &awswafv2.CfnWebACL_NotStatementProperty{Statement: hasToken}},
			}},
		},
	}
	return awswafv2.NewCfnWebACL(scope, jsii.String("WebACL"), &awswafv2.CfnWebACLProps{
		Name:          jsii.String("kabinet-" + stage),
		Description:   jsii.String("Kabinet " + stage + ": per-caller limits and managed rules in front of the API and the web cabinet"),
		Scope:         jsii.String("CLOUDFRONT"),
		DefaultAction: &awswafv2.CfnWebACL_DefaultActionProperty{Allow: map[string]any{}},
		CustomResponseBodies: map[string]any{wafTooMany: &awswafv2.CfnWebACL_CustomResponseBodyProperty{
			ContentType: jsii.String("APPLICATION_JSON"), Content: jsii.String(wafProblem)}},
		Rules:            &rules,
		VisibilityConfig: visibility("web-acl"),
	})
}

// costlyRoutesStatement matches a request to a Costly route of routes: its
// method and a path regex made from the route patterns ({param} is one
// segment of the id alphabet).
func costlyRoutesStatement(routes []functions.FunctionRoute) *awswafv2.CfnWebACL_StatementProperty {
	byMethod := map[string][]string{}
	for _, r := range routes {
		if r.Costly {
			byMethod[r.Method()] = append(byMethod[r.Method()], pathRegex(r.Path()))
		}
	}
	if len(byMethod) == 0 {
		panic("stack: no route of the route table is Costly")
	}
	methods := make([]string, 0, len(byMethod))
	for m := range byMethod {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	none := &[]any{&awswafv2.CfnWebACL_TextTransformationProperty{Priority: jsii.Number(0), Type: jsii.String("NONE")}}
	var each []any
	for _, m := range methods {
		re := "^(" + strings.Join(byMethod[m], "|") + ")$"
		if len(re) > 512 {
			panic(fmt.Sprintf("stack: costly %s routes' regex is %d characters; WAF takes 512", m, len(re)))
		}
		each = append(each, &awswafv2.CfnWebACL_StatementProperty{AndStatement: &awswafv2.CfnWebACL_AndStatementProperty{Statements: &[]any{
			&awswafv2.CfnWebACL_StatementProperty{ByteMatchStatement: &awswafv2.CfnWebACL_ByteMatchStatementProperty{
				FieldToMatch: &awswafv2.CfnWebACL_FieldToMatchProperty{Method: map[string]any{}},
				SearchString: jsii.String(m), PositionalConstraint: jsii.String("EXACTLY"), TextTransformations: none}},
			&awswafv2.CfnWebACL_StatementProperty{RegexMatchStatement: &awswafv2.CfnWebACL_RegexMatchStatementProperty{
				FieldToMatch: &awswafv2.CfnWebACL_FieldToMatchProperty{UriPath: map[string]any{}},
				RegexString:  jsii.String(re), TextTransformations: none}},
		}}})
	}
	if len(each) == 1 {
		return each[0].(*awswafv2.CfnWebACL_StatementProperty)
	}
	return &awswafv2.CfnWebACL_StatementProperty{OrStatement: &awswafv2.CfnWebACL_OrStatementProperty{Statements: &each}}
}

// pathRegex turns a route's path pattern into a regex: {param} matches one
// segment of the ids' alphabet, the rest literally.
func pathRegex(path string) string {
	return paramRE.ReplaceAllString(regexp.QuoteMeta(path), `[A-Za-z0-9._:-]+`)
}

var paramRE = regexp.MustCompile(`\\\{[^}]*\\\}`)
