// Package stack is Kabinet's AWS infrastructure as one CDK stack: the
// DynamoDB table, one Lambda per function and the HTTP API in front of them.
// The table's shape comes from store.Schema and the routes from
// httpapi.Routes, so nothing the application already declares is declared a
// second time here.
package stack

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/shared/httpapi"
	"github.com/kabinet/kabinet/shared/store"
)

// Props configure one deployment (stage) of Kabinet. Everything that differs
// between stages is here, so the stack itself has no stage-specific branches.
type Props struct {
	awscdk.StackProps
	// Stage names the deployment (dev, prod, ...); functions read it as STAGE.
	Stage string
	// JWTIssuer is the token issuer the API's JWT authorizer trusts.
	JWTIssuer string
	// JWTAudience is the audience (or Cognito app client id) tokens must carry.
	JWTAudience string
	// AllowedOrigins are the browser origins CORS admits; nothing else is allowed.
	AllowedOrigins []string
	// AssetDir holds one folder per function with its "bootstrap" binary
	// (what `make build` produces); tests point it at dummy files.
	AssetDir string
}

// Limits of the default stage: steady requests per second and burst, across
// all routes. They cap what a runaway client can cost before alarms fire.
const (
	throttleRate  = 50
	throttleBurst = 100
)

// Sizing of every function. The handlers are small Go binaries that do a few
// DynamoDB calls, so 256 MB and 10 s are ample and keep a stuck call cheap.
const (
	functionMemoryMB = 256
	functionTimeout  = 10 // seconds
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
	corsExposeHeaders = []string{"ETag", "Location", "X-Request-Id"}
)

// New builds the Kabinet stack in scope: the table from store.Schema, one
// function per name in the route table, and the API serving its routes. It
// panics on invalid props, as CDK constructs do, so a bad configuration
// fails at synth rather than at deploy.
func New(scope constructs.Construct, id string, p Props) awscdk.Stack {
	if err := p.validate(); err != nil {
		panic(err)
	}
	st := awscdk.NewStack(scope, jsii.String(id), &p.StackProps)
	key := newTableKey(st)
	table := newTable(st, key)

	fns := map[string]awslambda.IFunction{}
	for _, name := range httpapi.Functions() {
		fn := newFunction(st, name, p, table)
		table.GrantReadWriteData(fn)
		fns[name] = fn
	}

	api := newHTTPAPI(st, p)
	addRoutes(api, httpapi.Routes(httpapi.Deps{}), fns)
	stage := newDefaultStage(st, api)

	awscdk.NewCfnOutput(st, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{
		Value: stage.Url(), Description: jsii.String("Base URL of the HTTP API"),
	})
	awscdk.NewCfnOutput(st, jsii.String("TableName"), &awscdk.CfnOutputProps{
		Value: table.TableName(), Description: jsii.String("Name of the DynamoDB table"),
	})
	return st
}

// validate refuses props that would deploy an API nobody can call or one
// open to every origin.
func (p Props) validate() error {
	switch {
	case p.Stage == "":
		return errors.New("stack: Stage is empty")
	case p.JWTIssuer == "" || p.JWTAudience == "":
		return errors.New("stack: JWTIssuer and JWTAudience are required")
	case p.AssetDir == "":
		return errors.New("stack: AssetDir is empty")
	case len(p.AllowedOrigins) == 0:
		return errors.New("stack: AllowedOrigins is empty")
	}
	for _, o := range p.AllowedOrigins {
		if o == "" || o == "*" {
			return fmt.Errorf("stack: allowed origin %q: CORS must name its origins", o)
		}
	}
	return nil
}

// newTableKey creates the customer-managed key the table is encrypted with,
// so access to the data can be audited and revoked through the key policy.
func newTableKey(scope constructs.Construct) awskms.Key {
	return awskms.NewKey(scope, jsii.String("TableKey"), &awskms.KeyProps{
		Description:       jsii.String("Encrypts the Kabinet DynamoDB table"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
}

// newTable creates the single table from store.Schema. It holds the only
// copy of user data, so it is protected against deletion in three ways:
// deletion protection, a retained resource, and point-in-time recovery.
//
// It is a Table, not a TableV2: TableV2 renders its customer-managed key per
// replica region and so refuses a region-agnostic stack, which would tie
// `cdk synth` to AWS credentials or a hard-coded region.
func newTable(scope constructs.Construct, key awskms.IKey) awsdynamodb.Table {
	s := store.Schema
	table := awsdynamodb.NewTable(scope, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey:        stringAttr(s.PK),
		SortKey:             stringAttr(s.SK),
		TimeToLiveAttribute: jsii.String(s.TTLAttribute),
		BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:          awsdynamodb.TableEncryption_CUSTOMER_MANAGED,
		EncryptionKey:       key,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
	})
	for _, ix := range s.Indexes {
		table.AddGlobalSecondaryIndex(globalIndex(ix))
	}
	return table
}

// globalIndex maps one of the schema's indexes to CDK index props: string
// keys, all attributes projected (what the store's queries read).
func globalIndex(ix store.Index) *awsdynamodb.GlobalSecondaryIndexProps {
	return &awsdynamodb.GlobalSecondaryIndexProps{
		IndexName:      jsii.String(ix.Name),
		PartitionKey:   stringAttr(ix.PK),
		SortKey:        stringAttr(ix.SK),
		ProjectionType: awsdynamodb.ProjectionType_ALL,
	}
}

func stringAttr(name string) *awsdynamodb.Attribute {
	return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
}

// newFunction creates the Lambda serving the routes of function name from
// the binary at <AssetDir>/<name>/bootstrap, with its own log group so that
// retention is set without CDK's log-retention custom resource.
func newFunction(scope constructs.Construct, name string, p Props, table awsdynamodb.ITable) awslambda.Function {
	dir := filepath.Join(p.AssetDir, name)
	if _, err := os.Stat(filepath.Join(dir, "bootstrap")); err != nil {
		panic(fmt.Sprintf("stack: function %s has no binary (%v); run `make build` first", name, err))
	}
	id := constructID(name)
	logs := awslogs.NewLogGroup(scope, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	return awslambda.NewFunction(scope, jsii.String(id+"Function"), &awslambda.FunctionProps{
		Description:  jsii.String(functionDescription(name, p.Stage)),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(dir), nil),
		MemorySize:   jsii.Number(functionMemoryMB),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(functionTimeout)),
		Tracing:      awslambda.Tracing_ACTIVE,
		LogGroup:     logs,
		Environment: &map[string]*string{
			"TABLE_NAME": table.TableName(),
			"STAGE":      jsii.String(p.Stage),
		},
	})
}

// functionDescription is the description of function name's Lambda. It names
// the function in the console and lets tests find each function's resource.
func functionDescription(name, stage string) string {
	return fmt.Sprintf("Kabinet %s function (stage %s)", name, stage)
}

// constructID turns a function name such as "documents" or "due-reminders"
// into a construct id prefix such as "Documents" or "DueReminders".
func constructID(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// newHTTPAPI creates the HTTP API with CORS for the configured origins and
// the JWT authorizer as default, so a route is protected unless it says
// otherwise. Its default stage is added by newDefaultStage, because the
// automatically created one cannot be given throttling or access logs.
func newHTTPAPI(scope constructs.Construct, p Props) awsapigatewayv2.HttpApi {
	auth := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("JwtAuthorizer"), jsii.String(p.JWTIssuer),
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{
			JwtAudience: jsii.Strings(p.JWTAudience),
		})
	return awsapigatewayv2.NewHttpApi(scope, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String("kabinet-" + p.Stage),
		CreateDefaultStage: jsii.Bool(false),
		DefaultAuthorizer:  auth,
		CorsPreflight: &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins:  jsii.Strings(p.AllowedOrigins...),
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
func addRoutes(api awsapigatewayv2.HttpApi, routes []httpapi.Route, fns map[string]awslambda.IFunction) {
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
		method, path := routeKey(r)
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
func routeKey(r httpapi.Route) (method, path string) {
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
