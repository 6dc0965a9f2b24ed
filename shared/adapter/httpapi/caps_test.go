package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/limits"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestActiveDocumentsCap: a person holds at most limits.ActiveDocuments
// active documents; the next create (and an unarchive) is 409
// too_many_documents and stores nothing; archiving one makes room. Another
// person is not affected.
func TestActiveDocumentsCap(t *testing.T) {
	e := newEnv(t)
	// Seeded through the registry as the documents function composes it,
	// not by HTTP: 200 requests would only make the test slow.
	docs := &registry.Service{Store: allstore.New(e.db, e.table), Now: e.clock.Now, NewID: ids.New}
	for i := range limits.ActiveDocuments {
		if _, _, err := docs.CreateDocument(context.Background(), "alice", registry.CreateInput{Type: "custom",
			DocumentFields: registry.DocumentFields{Title: opt.Of(fmt.Sprintf("Pass %d", i)), ExpiresOn: opt.Of("2030-01-01")}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	body := map[string]any{"type": "custom", "title": "One more", "expiresOn": "2030-01-01"}
	assertType(t, e.do(req{method: "POST", path: "/documents", token: e.token("alice"), body: body}), http.StatusConflict, "too-many-documents")
	list := e.do(req{method: "GET", path: "/documents?limit=100", token: e.token("alice")}).json(t)
	first := list["items"].([]any)[0].(map[string]any)["id"].(string)
	if r := e.do(req{method: "POST", path: "/documents/" + first + "/archive", token: e.token("alice")}); r.status != http.StatusOK {
		t.Fatalf("archive: %d %s", r.status, r.body)
	}
	if r := e.do(req{method: "POST", path: "/documents", token: e.token("alice"), body: body}); r.status != http.StatusCreated {
		t.Fatalf("after archiving one: %d %s", r.status, r.body)
	}
	assertType(t, e.do(req{method: "POST", path: "/documents/" + first + "/unarchive", token: e.token("alice")}), http.StatusConflict, "too-many-documents")
	if r := e.do(req{method: "POST", path: "/documents", token: e.token("bob"), body: body}); r.status != http.StatusCreated {
		t.Errorf("another person: %d %s", r.status, r.body)
	}
}

// TestOpenApplicationsCap: at most limits.OpenApplications open
// applications a person; deleting a draft makes room; the holder's cap
// is not their child's (each person counts apart).
func TestOpenApplicationsCap(t *testing.T) {
	e := newEnv(t)
	kid := e.mustAddPerson("alice", map[string]any{"name": "Маша", "birthDate": "2015-03-01", "relation": "child"})["id"].(string)
	var last string
	for range limits.OpenApplications {
		last = e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
	}
	assertType(t, e.do(req{method: "POST", path: "/applications", token: e.token("alice"),
		body: map[string]any{"serviceCode": "certificate_request", "fields": certificateFields()}}), http.StatusConflict, "too-many-applications")
	if r := e.do(req{method: "POST", path: "/applications", token: e.token("alice"),
		body: map[string]any{"serviceCode": "medical_certificate", "subject": kid, "fields": map[string]any{}}}); r.status != http.StatusCreated {
		t.Errorf("the child's application with the mother's cap full: %d %s", r.status, r.body)
	}
	if r := e.do(req{method: "DELETE", path: "/applications/" + last, token: e.token("alice")}); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	e.mustDraft("alice", "certificate_request", certificateFields())
}
