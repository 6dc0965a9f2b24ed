package stack

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// Limits of the default stage: steady requests per second and burst, across
// all routes. They cap what a runaway client can cost before alarms fire.
const (
	throttleRate  = 50
	throttleBurst = 100
)

// CORS settings of the API: the methods the route table uses plus the headers
// the handlers read (conditional writes, idempotency, language) and emit.
var (
	corsMethods = []awsapigatewayv2.CorsHttpMethod{
		awsapigatewayv2.CorsHttpMethod_GET, awsapigatewayv2.CorsHttpMethod_POST,
		awsapigatewayv2.CorsHttpMethod_PUT, awsapigatewayv2.CorsHttpMethod_PATCH,
		awsapigatewayv2.CorsHttpMethod_DELETE, awsapigatewayv2.CorsHttpMethod_OPTIONS,
	}
	corsAllowHeaders  = []string{"Authorization", "Content-Type", "If-Match", "Idempotency-Key", "Accept-Language"}
	corsExposeHeaders = []string{"ETag", "Location", "X-Request-Id", "Content-Disposition", "Retry-After", "Idempotent-Replayed"}
)

// newHTTPAPI creates the HTTP API with CORS for the configured origins and
// the JWT authorizer (trusting issuer and audience, see
// jwtIssuerAndAudience) as default, so a route is protected unless it says
// otherwise. Its default stage is added by newDefaultStage, because the
// automatically created one cannot be given throttling or access logs.
func newHTTPAPI(scope constructs.Construct, p Props, issuer, audience *string, origins *[]*string) awsapigatewayv2.HttpApi {
	auth := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("JwtAuthorizer"), issuer,
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{
			JwtAudience: &[]*string{audience},
		})
	return awsapigatewayv2.NewHttpApi(scope, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String("kabinet-" + p.Stage),
		CreateDefaultStage: jsii.Bool(false),
		DefaultAuthorizer:  auth,
		CorsPreflight: &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins:  origins,
			AllowMethods:  &corsMethods,
			AllowHeaders:  jsii.Strings(corsAllowHeaders...),
			ExposeHeaders: jsii.Strings(corsExposeHeaders...),
			MaxAge:        awscdk.Duration_Hours(jsii.Number(1)),
		},
	})
}

// addRoutes adds every route of the route table to api, each integrated with
// its function. Integrations are created once per function and shared by
// its routes; public routes opt out of the default JWT authorizer.
func addRoutes(api awsapigatewayv2.HttpApi, routes []functions.FunctionRoute, fns map[string]awslambda.IFunction) {
	integrations := map[string]awsapigatewayv2integrations.HttpLambdaIntegration{}
	for _, r := range routes {
		fn, ok := fns[r.Function]
		if !ok {
			panic(fmt.Sprintf("stack: route %q names unknown function %q", r.Pattern, r.Function))
		}
		in, ok := integrations[r.Function]
		if !ok {
			in = awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(constructID(r.Function)+"Integration"), fn, nil)
			integrations[r.Function] = in
		}
		method, path := routeKey(r.Route)
		opts := &awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(method)},
			Integration: in,
		}
		if r.Public {
			opts.Authorizer = awsapigatewayv2.NewHttpNoneAuthorizer()
		}
		api.AddRoutes(opts)
	}
}

// routeKey translates a route's Go ServeMux pattern into API Gateway's method
// and path. The two share {param}; a trailing wildcard {name...} becomes
// {name+}. Patterns API Gateway cannot express (no method, {$}, subtree
// paths ending in "/") panic, so a route is never deployed with a meaning
// different from the one the local server gives it.
func routeKey(r functions.Route) (method, path string) {
	method, path = r.Method(), r.Path()
	switch {
	case path == "" || !strings.HasPrefix(path, "/"):
		panic(fmt.Sprintf("stack: route %q: pattern needs a method and a path starting with /", r.Pattern))
	case strings.Contains(path, "{$}"):
		panic(fmt.Sprintf("stack: route %q: {$} has no API Gateway equivalent", r.Pattern))
	case path != "/" && strings.HasSuffix(path, "/"):
		panic(fmt.Sprintf("stack: route %q: subtree patterns have no API Gateway equivalent; use {name...}", r.Pattern))
	}
	if i := strings.LastIndex(path, "...}"); i >= 0 {
		path = path[:i] + "+}" + path[i+len("...}"):]
	}
	return method, path
}

// newDefaultStage adds the $default stage with throttling and JSON access
// logs. HttpApi's own default stage takes no options, so it is turned off in
// newHTTPAPI and this one is added with the L2 stage options instead.
func newDefaultStage(scope constructs.Construct, api awsapigatewayv2.HttpApi) awsapigatewayv2.HttpStage {
	logs := awslogs.NewLogGroup(scope, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	return api.AddStage(jsii.String("DefaultStage"), &awsapigatewayv2.HttpStageOptions{
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(throttleRate),
			BurstLimit: jsii.Number(throttleBurst),
		},
		AccessLogSettings: &accessLogSettings{
			destination: awsapigatewayv2.NewLogGroupLogDestination(logs),
			format:      awsapigateway.AccessLogFormat_Custom(jsii.String(accessLogFormat())),
		},
	})
}

// accessLogSettings implements the jsii interface IAccessLogSettings, which
// the Go bindings offer no struct for.
type accessLogSettings struct {
	destination awsapigatewayv2.IAccessLogDestination
	format      awsapigateway.AccessLogFormat
}

// Destination is where the stage writes its access logs.
func (s *accessLogSettings) Destination() awsapigatewayv2.IAccessLogDestination {
	return s.destination
}

// Format is the access log line format.
func (s *accessLogSettings) Format() awsapigateway.AccessLogFormat { return s.format }

// accessLogFormat is the JSON line API Gateway writes per request. It carries
// the request id the functions echo as X-Request-Id, so a client's report
// leads to the access log and the function's log alike.
func accessLogFormat() string {
	b, err := json.Marshal(map[string]string{
		"requestId":          "$context.requestId",
		"requestTime":        "$context.requestTime",
		"ip":                 "$context.identity.sourceIp",
		"userAgent":          "$context.identity.userAgent",
		"routeKey":           "$context.routeKey",
		"method":             "$context.httpMethod",
		"path":               "$context.path",
		"protocol":           "$context.protocol",
		"status":             "$context.status",
		"responseLength":     "$context.responseLength",
		"responseLatency":    "$context.responseLatency",
		"integrationLatency": "$context.integrationLatency",
		"integrationError":   "$context.integrationErrorMessage",
		"authorizerError":    "$context.authorizer.error",
		"sub":                "$context.authorizer.claims.sub",
	})
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return string(b)
}
