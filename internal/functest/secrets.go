package functest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// secretsOf holds each test's fake Secrets Manager (Env makes it).
var secretsOf sync.Map // *testing.T → *fakeSecrets

// fakeSecrets is a Secrets Manager endpoint for the SDK's client: it
// answers GetSecretValue (the JSON 1.1 protocol: POST with X-Amz-Target
// secretsmanager.GetSecretValue and {"SecretId"}) from the secrets added,
// counting the reads, with a ResourceNotFoundException for another id, and
// with a 500 InternalServiceError for everything once fail is set. None of
// our emulators is a Secrets Manager and Debian packages none (moto is a
// pip package), so this fake stands in for the read, and for its faults;
// the real service's behaviour it relies on is the documented wire format.
type fakeSecrets struct {
	srv  *httptest.Server
	fail atomic.Bool
	mu   sync.Mutex
	vals map[string]string // ARN → value
	n    map[string]int    // ARN → reads
}

func newFakeSecrets(t *testing.T) *fakeSecrets {
	f := &fakeSecrets{vals: map[string]string{}, n: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// add stores a secret named name and returns its ARN.
func (f *fakeSecrets) add(name, value string) string {
	arn := "arn:aws:secretsmanager:eu-central-1:123456789012:secret:kabinet/test/" + name + "-AbCdEf"
	f.mu.Lock()
	defer f.mu.Unlock()
	f.vals[arn], f.n[arn] = value, 0
	return arn
}

func (f *fakeSecrets) counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.n {
		out[k] = v
	}
	return out
}

func (f *fakeSecrets) values() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, v := range f.vals {
		out = append(out, v)
	}
	return out
}

func (f *fakeSecrets) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fail := func(status int, typ, msg string) {
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
	}
	if f.fail.Load() {
		fail(http.StatusInternalServerError, "InternalServiceError", "injected fault")
		return
	}
	var in struct{ SecretId string }
	if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || json.NewDecoder(r.Body).Decode(&in) != nil {
		fail(http.StatusBadRequest, "InvalidRequestException", "only GetSecretValue is served")
		return
	}
	f.mu.Lock()
	v, ok := f.vals[in.SecretId]
	if ok {
		f.n[in.SecretId]++
	}
	f.mu.Unlock()
	if !ok {
		fail(http.StatusBadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ARN": in.SecretId, "Name": in.SecretId, "SecretString": v,
		"VersionId": "00000000-0000-0000-0000-000000000001", "VersionStages": []string{"AWSCURRENT"}})
}
