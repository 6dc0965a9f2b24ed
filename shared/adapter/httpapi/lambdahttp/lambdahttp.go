// Package lambdahttp is the Lambda door to Kabinet's http.Handlers: it turns
// API Gateway HTTP API (payload v2) events into requests with a maintained
// adapter (aws-lambda-go-api-proxy) and reads the caller's identity from the
// claims API Gateway's JWT authorizer has already verified. It composes
// nothing: each HTTP function's main builds its handler and hands it to
// Start, with Authenticate as the handler's authenticator.
package lambdahttp

import (
	"context"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Handler returns the Lambda handler serving h. An event the adapter cannot
// turn into a request (a bad %-escape in the path, a body flagged base64
// that is not) is answered 400 problem+json rather than failing the
// invocation, which API Gateway would show as a bare 5xx.
func Handler(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	proxy := httpadapter.NewV2(withRequestID(h)).ProxyWithContext
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		res, err := proxy(ctx, ev)
		if err == nil {
			return res, nil
		}
		status, body := httpapi.ProblemJSON(errs.E("lambdahttp.Handler", errs.Malformed, err), "en", ev.RawPath)
		return events.APIGatewayV2HTTPResponse{StatusCode: status, Body: string(body),
			Headers: map[string]string{"Content-Type": "application/problem+json", "Cache-Control": "no-store",
				"X-Request-Id": ev.RequestContext.RequestID}}, nil
	}
}

// Start serves h as this Lambda's handler; it never returns.
func Start(h http.Handler) { lambda.Start(Handler(h)) }

// withRequestID reuses API Gateway's request id, so a client's X-Request-Id
// matches the access log and API Gateway's own logs.
func withRequestID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && rc.RequestID != "" {
			r = r.WithContext(httpapi.WithRequestID(r.Context(), rc.RequestID))
		}
		h.ServeHTTP(w, r)
	})
}

// Authenticate implements httpapi.Authenticator from the JWT authorizer's
// claims. The authorizer has checked signature, issuer, audience and expiry
// before the function runs; a request without claims never reaches a
// protected route in AWS, and is refused here all the same.
func Authenticate(r *http.Request) (httpapi.Identity, error) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil || rc.Authorizer.JWT.Claims["sub"] == "" {
		return httpapi.Identity{}, errs.E("lambdahttp.Authenticate", errs.Unauthorized, httpapi.ReasonInvalidToken)
	}
	c := rc.Authorizer.JWT.Claims
	return httpapi.Identity{Sub: c["sub"], Groups: parseGroups(c["cognito:groups"]),
		Institution: c["custom:institution"], Agency: c["custom:agency"], AgencyRole: c["custom:agencyRole"], Org: c["custom:org"]}, nil
}

// parseGroups reads the groups claim as HTTP APIs flatten it: "[a b]", or a
// JSON-ish "[\"a\",\"b\"]", or "a,b".
func parseGroups(s string) []string {
	s = strings.Trim(strings.TrimSpace(s), "[]")
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		if f = strings.Trim(f, `"`); f != "" {
			out = append(out, f)
		}
	}
	return out
}
