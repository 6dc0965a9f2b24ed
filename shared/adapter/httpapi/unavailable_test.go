package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app/core"
)

// TestDynamoDBDownAnswers503 points the API at a port that drops every
// connection: every route must answer 503 problem+json with Retry-After,
// never 500.
func TestDynamoDBDownAnswers503(t *testing.T) {
	emutest.Need(t) // a configured environment (region, credentials); only DynamoDB's endpoint is dead
	dead := emutest.DeadEndpoint(t)

	cl, err := core.NewClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cl.DynamoDB = dynamodb.NewFromConfig(cl.AWS, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(dead) })
	issuer := newEnvIssuer(t)
	srv := httptest.NewServer(apiHandler(t, core.Config{Table: "any"}, cl, nil, func() time.Time { return defaultNow }, slog.New(slog.DiscardHandler), issuer.verifier.Authenticate))
	t.Cleanup(srv.Close)
	// staff of an institution, so staff routes reach the database too
	// (and a manager of all three, so the dashboards do)
	tok, _ := issuer.Issue(httpapi.Identity{Sub: "alice", Groups: []string{"citizen", "staff", httpapi.GroupOrgAdmin, httpapi.GroupManager},
		Institution: "inst-msk-01", Agency: "fns", Org: "acme"})

	bodies := map[string]string{
		"POST /documents":                                `{"type":"custom","title":"x"}`,
		"PATCH /documents/{id}":                          `{"title":"y"}`,
		"PUT /profile":                                   `{"timeZone":"Europe/Moscow"}`,
		"POST /documents/{id}/reminders/snooze":          `{"until":"2026-07-01"}`,
		"POST /bookings":                                 `{"slotId":"spec-msk-01-1~20260701T0600Z","mode":"in_person"}`,
		"PUT /specialists/{id}/schedule":                 `{"slotMinutes":30,"maxPerDay":5,"weekly":[{"weekday":"monday","start":"09:00","end":"12:00"}]}`,
		"POST /bookings/{id}/reschedule":                 `{"slotId":"spec-msk-01-1~20260701T0600Z"}`,
		"POST /bookings/{id}/cancel":                     `{"reason":"x"}`,
		"POST /bookings/{id}/visit":                      `{"outcome":"completed"}`,
		"POST /bookings/{id}/rebook":                     `{"slotId":"spec-msk-01-1~20260701T0600Z"}`,
		"POST /specialists/{id}/absences":                `{"from":"2026-07-01","to":"2026-07-01","reason":"x"}`,
		"POST /applications/validate":                    `{"serviceCode":"certificate_request","fields":{}}`,
		"POST /applications":                             `{"serviceCode":"certificate_request","fields":{}}`,
		"PATCH /applications/{id}":                       `{"fields":{"inn":"7707083893"}}`,
		"POST /applications/{id}/transitions":            `{"to":"processing"}`,
		"POST /applications/{id}/respond":                `{"comment":"x"}`,
		"POST /applications/{id}/assign":                 `{"clerk":"clerk@fns"}`,
		"POST /consents":                                 `{"organizationId":"acme","documentTypes":["osago"]}`,
		"POST /profile/contacts/verify":                  `{"channel":"sms","address":"+79161234567","code":"123456"}`,
		"POST /profile/contacts/resend":                  `{"channel":"sms","address":"+79161234567"}`,
		"POST /waitlist":                                 `{"institutionId":"inst-msk-01","specialization":"Терапевт","from":"2026-07-01","to":"2026-07-01"}`,
		"POST /waitlist/{id}/accept":                     `{"slotId":"spec-msk-01-1~20260701T0600Z","mode":"in_person"}`,
		"POST /family":                                   `{"name":"Маша","birthDate":"2015-03-01","relation":"child"}`,
		"PATCH /family/{personId}":                       `{"name":"Маша"}`,
		"POST /family/handover/redeem":                   `{"code":"AAAA-BBBB-CCCC-DDDD"}`,
		"POST /profile/erasure":                          `{"confirm":"DELETE"}`,
		"POST /documents/{id}/files":                     `{"name":"a.pdf","contentType":"application/pdf","size":10,"sha256":"` + strings.Repeat("ab", 32) + `"}`,
		"POST /documents/{id}/shares":                    `{"institutionId":"inst-msk-01","until":"2026-07-01T00:00:00Z"}`,
		"POST /documents/{id}/files/{fileId}/signatures": "\x30\x03\x02\x01\x01",
	}
	for _, rt := range functions.Routes() {
		if rt.Public || rt.Pattern == "GET /document-types" || rt.Pattern == "GET /services" {
			continue // needs no database
		}
		t.Run(rt.Pattern, func(t *testing.T) {
			t.Parallel()
			body := bodies[rt.Pattern]
			path := fillPathParams(rt.Path(), func(name string) string {
				switch name {
				case "orgId":
					return "acme" // the token's org: its administrator reaches the database
				case "sharerId":
					return "0b5e93810058fa5f"
				}
				return "0190a6b2-0000-7000-8000-000000000000" // every id parameter, {fileId} and {shareId} too
			})
			if strings.HasPrefix(rt.Path(), "/institutions/{id}/shared-documents") || rt.Path() == "/institutions/{id}/stats" {
				path = strings.Replace(path, "/institutions/0190a6b2-0000-7000-8000-000000000000", "/institutions/inst-msk-01", 1) // the token's institution
			}
			if rt.Method() == "GET" && strings.HasPrefix(rt.Path(), "/specialists/{id}/") {
				path += "?date=2026-07-01"
			}
			req, _ := http.NewRequest(rt.Method(), srv.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("If-Match", `"1"`)
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if strings.HasSuffix(rt.Pattern, "/signatures") {
				req.Header.Set("Content-Type", "application/pkcs7-signature")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status = %d, want 503", res.StatusCode)
			}
			if res.Header.Get("Retry-After") == "" || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("headers = %v", res.Header)
			}
		})
	}
}
