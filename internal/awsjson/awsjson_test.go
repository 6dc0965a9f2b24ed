package awsjson

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

var sqsJSON = Service{Name: "sqs", EndpointEnv: "AWS_ENDPOINT_URL_SQS", Version: "1.0", TargetPrefix: "AmazonSQS"}

// TestCall: what Call sends (the target, the protocol's content type, the
// body, signed for the service) and how it reads the service's answers, as
// fault sequences: each case's answers are given in turn, the last
// repeated.
func TestCall(t *testing.T) {
	type answer struct {
		status int
		body   string
	}
	for _, tc := range []struct {
		name    string
		answers []answer
		calls   int32
		want    string // the answer's Value, or what the error says
		refused string // the *Error's Type, when the service refused
		retry   bool   // and whether it is retryable
	}{
		{"an answer", []answer{{200, `{"Value":"v"}`}}, 1, "v", "", false},
		{"failing once, then an answer", []answer{{500, `{"__type":"InternalError","message":"x"}`}, {200, `{"Value":"v"}`}}, 2, "v", "", false},
		{"throttled, asked Attempts times", []answer{{400, `{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"}`}}, Attempts,
			"400 RequestThrottled: slow down", "RequestThrottled", true},
		{"refused: asked once, SQS's capital Message read", []answer{{400, `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","Message":"no queue"}`}}, 1,
			"400 QueueDoesNotExist: no queue", "QueueDoesNotExist", false},
		{"not JSON", []answer{{200, `<html>`}}, 1, "not JSON", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				body, _ := io.ReadAll(r.Body)
				if r.Header.Get("X-Amz-Target") != "AmazonSQS.GetThing" || r.Header.Get("Content-Type") != "application/x-amz-json-1.0" ||
					string(body) != `{"Name":"n"}` {
					t.Errorf("request %v %s", r.Header, body)
				}
				if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261202/eu-central-1/sqs/aws4_request") {
					t.Errorf("not signed for SQS in eu-central-1: %q", auth)
				}
				a := tc.answers[min(i, len(tc.answers)-1)]
				w.WriteHeader(a.status)
				_, _ = io.WriteString(w, a.body)
			}))
			defer srv.Close()
			c := Client{Service: sqsJSON,
				AWS:    aws.Config{Region: "eu-central-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")},
				Getenv: func(k string) string { return map[string]string{"AWS_ENDPOINT_URL_SQS": srv.URL}[k] },
				Now:    func() time.Time { return time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC) }}
			var out struct{ Value string }
			err := c.Call(context.Background(), "GetThing", struct{ Name string }{"n"}, &out)
			var refused *Error
			switch {
			case err == nil && out.Value != tc.want:
				t.Errorf("Value = %q, want %q", out.Value, tc.want)
			case err != nil && !strings.Contains(err.Error(), tc.want):
				t.Errorf("error = %v, want one saying %q", err, tc.want)
			case tc.refused != "" && (!errors.As(err, &refused) || refused.Type != tc.refused || refused.Retryable() != tc.retry):
				t.Errorf("error = %#v, want the service's %s refusal, retryable %v", err, tc.refused, tc.retry)
			}
			if got := n.Load(); got != tc.calls {
				t.Errorf("%d calls, want %d", got, tc.calls)
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	base := "http://base:4566"
	for _, tc := range []struct {
		name string
		env  map[string]string
		cfg  aws.Config
		want string
	}{
		{"the service's variable first", map[string]string{"AWS_ENDPOINT_URL_SQS": "http://sqs:1/", "AWS_ENDPOINT_URL": "http://all:2"},
			aws.Config{Region: "eu-central-1"}, "http://sqs:1/"},
		{"then the global one", map[string]string{"AWS_ENDPOINT_URL": "http://all:2"}, aws.Config{Region: "eu-central-1"}, "http://all:2/"},
		{"then the configuration's", nil, aws.Config{Region: "eu-central-1", BaseEndpoint: &base}, "http://base:4566/"},
		{"else the region's", nil, aws.Config{Region: "eu-central-1"}, "https://sqs.eu-central-1.amazonaws.com/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Client{Service: sqsJSON, AWS: tc.cfg, Getenv: func(k string) string { return tc.env[k] }}
			if got := c.Endpoint(); got != tc.want {
				t.Errorf("Endpoint = %q, want %q", got, tc.want)
			}
		})
	}
}
