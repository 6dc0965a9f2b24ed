package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/domain/audit"
)

// finishes is an audit.Log that records what auditing asks of it after the
// handler: the end of a request whose answer differs from what its
// committed write recorded cannot be made to happen on demand through a
// real route, so the decision is checked here, and TestRoundTrips and
// TestAuditEntryIsInTheChangesTransaction check the store's side.
type finishes struct {
	opened   *audit.Pending
	finished []int
}

func (f *finishes) OpenAudit(e audit.Entry) *audit.Pending {
	f.opened = &audit.Pending{Entry: e, ID: "e1"}
	return f.opened
}

func (f *finishes) FinishAudit(_ context.Context, p *audit.Pending, status int) error {
	f.finished = append(f.finished, status)
	return nil
}

// TestAuditingWritesTheEntryOnceWhenItStands: the entry opens with the
// route's success status; when a committed write carried it and the
// answer is that status, nothing more is written; when the answer differs
// it is corrected; a success that wrote nothing gets its entry after; a
// failure that wrote nothing gets none.
func TestAuditingWritesTheEntryOnceWhenItStands(t *testing.T) {
	for _, tc := range []struct {
		name    string
		route   functions.Route
		written bool
		answer  int
		opened  int
		want    []int
	}{
		{"a create, written, answered 201", functions.Route{Pattern: "POST /things", Status: http.StatusCreated}, true, 201, 201, nil},
		{"an action, written, answered 200", functions.Route{Pattern: "POST /things/{id}/do"}, true, 200, 200, nil},
		{"a delete, written, answered 204", functions.Route{Pattern: "DELETE /things/{id}"}, true, 204, 204, nil},
		{"written, then the answer failed", functions.Route{Pattern: "POST /things", Status: http.StatusCreated}, true, 500, 201, []int{500}},
		{"written, answered another success", functions.Route{Pattern: "POST /consents", Status: http.StatusCreated}, true, 200, 201, []int{200}},
		{"a replay: nothing written, a success", functions.Route{Pattern: "POST /things", Status: http.StatusCreated}, false, 201, 201, []int{201}},
		{"refused, nothing written", functions.Route{Pattern: "POST /things", Status: http.StatusCreated}, false, 409, 201, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &finishes{}
			h := auditing(log, tc.route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.written {
					audit.From(r.Context()).MarkWritten()
				}
				w.WriteHeader(tc.answer)
			}))
			r := httptest.NewRequest(tc.route.Method(), "/things", nil)
			r = r.WithContext(WithIdentity(r.Context(), Identity{Sub: "ann"}))
			h.ServeHTTP(httptest.NewRecorder(), r)
			if log.opened == nil || log.opened.Status != tc.opened {
				t.Fatalf("opened %+v, want status %d", log.opened, tc.opened)
			}
			if !equalInts(log.finished, tc.want) {
				t.Errorf("finished with %v, want %v", log.finished, tc.want)
			}
		})
	}
}

func equalInts(a, b []int) bool { return slices.Equal(a, b) }
