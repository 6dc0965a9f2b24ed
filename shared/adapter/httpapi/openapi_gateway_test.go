package httpapi_test

import (
	"github.com/kabinet/kabinet/functions"
	"testing"
)

// TestOpenAPIDescribesGatewayAnswers (issue 15, point 11): the answers API
// Gateway gives itself are in the document as they are: every operation
// may be throttled (429, API Gateway's application/json message), and
// every authenticated operation's 401 includes the JWT authorizer's
// application/json message besides Kabinet's problem+json.
func TestOpenAPIDescribesGatewayAnswers(t *testing.T) {
	doc := loadSpec(t)
	public := map[string]bool{}
	for _, r := range functions.Routes() {
		public[r.Method()+" "+r.Path()] = r.Public
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			r := op.Responses.Value("429")
			if r == nil || r.Value == nil || r.Value.Content.Get("application/json") == nil {
				t.Errorf("%s: no 429 with API Gateway's application/json body", name)
			}
			if public[name] {
				continue
			}
			u := op.Responses.Value("401")
			if u == nil || u.Value == nil || u.Value.Content.Get("application/json") == nil || u.Value.Content.Get("application/problem+json") == nil {
				t.Errorf("%s: its 401 does not describe both the authorizer's answer and Kabinet's", name)
			}
		}
	}
}
