package secrets

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/kabinet/kabinet/internal/awsjson"
)

// No emulator of ours is a Secrets Manager (internal/functest's fake stands
// in for the functions' starts); this one checks what Read sends — the JSON
// 1.1 call, signed for the service and region — and answers as the service
// documents, with the faults it can answer.
func TestRead(t *testing.T) {
	const arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:kabinet/cursor-AbCdEf"
	at := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		status    int
		answer    string
		want      string // the value, or what the error says
		wantErr   bool
		wantCalls int32
	}{
		{"the current value", 200, `{"ARN":"` + arn + `","SecretString":"s3cr3t","VersionStages":["AWSCURRENT"]}`, "s3cr3t", false, 1},
		{"a missing secret: not asked again", 400, `{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}`,
			"ResourceNotFoundException", true, 1},
		{"throttled: asked again, then the start fails", 400, `{"__type":"com.amazonaws.secretsmanager#ThrottlingException","message":"Rate exceeded"}`,
			"ThrottlingException", true, awsjson.Attempts},
		{"failing: asked again, then the start fails", 500, `{"__type":"InternalServiceError","message":"x"}`, "500 InternalServiceError", true, awsjson.Attempts},
		{"a binary secret", 200, `{"ARN":"` + arn + `","SecretBinary":"AAEC"}`, "no string value", true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				body, _ := io.ReadAll(r.Body)
				var in map[string]string
				if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" ||
					r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || json.Unmarshal(body, &in) != nil || in["SecretId"] != arn {
					t.Errorf("request %s %v %s", r.Method, r.Header, body)
				}
				auth := r.Header.Get("Authorization")
				if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261202/eu-central-1/secretsmanager/aws4_request") ||
					!strings.Contains(auth, "x-amz-target") || r.Header.Get("X-Amz-Security-Token") != "session" {
					t.Errorf("not signed for Secrets Manager in eu-central-1 with the session's credentials: %q", auth)
				}
				w.Header().Set("Content-Type", "application/x-amz-json-1.1")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.answer)
			}))
			defer srv.Close()
			r := Reader{
				AWS: aws.Config{Region: "eu-central-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "session")},
				Getenv: func(name string) string {
					if name == "AWS_ENDPOINT_URL_SECRETS_MANAGER" {
						return srv.URL
					}
					return ""
				},
				Now: func() time.Time { return at },
			}
			v, err := r.Read(context.Background(), arn)
			switch {
			case tc.wantErr && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), arn)):
				t.Errorf("error = %v, want one naming the secret and %q", err, tc.want)
			case !tc.wantErr && (err != nil || v != tc.want):
				t.Errorf("Read = %q, %v, want %q", v, err, tc.want)
			}
			if got := n.Load(); got != tc.wantCalls {
				t.Errorf("%d calls, want %d", got, tc.wantCalls)
			}
		})
	}
}
