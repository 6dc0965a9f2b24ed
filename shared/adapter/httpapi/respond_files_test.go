package httpapi_test

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/store/storetest"
	"github.com/kabinet/kabinet/shared/app/core"
)

// needsInfo submits a certificate request of sub and has a clerk of the
// tax service ask for more; it returns the application's id. The clerk
// (clerk@fns) is not the BOLA suite's officer@fns, who must own nothing:
// the answer notifies the clerk who asked.
func (e *env) needsInfo(sub string) string {
	e.t.Helper()
	id := e.mustDraft(sub, "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit(sub, id)
	fns := e.tokenFor(httpapi.Identity{Sub: "clerk@fns", Groups: []string{"staff"}, Agency: "fns"})
	for _, to := range []string{"processing", "needs_info"} {
		if r := e.move(fns, id, to, "Нужна фотография"); r.status != http.StatusOK {
			e.t.Fatalf("to %s: %d %s", to, r.status, r.body)
		}
	}
	return id
}

// mustAnswerWithFile has sub answer a request for information with one of
// their files and returns "appId/fileId".
func (e *env) mustAnswerWithFile(sub string) string {
	e.t.Helper()
	id := e.needsInfo(sub)
	file := strings.SplitN(e.mustFile(sub), "/", 2)[1]
	r := e.do(req{method: "POST", path: "/applications/" + id + "/respond", token: e.token(sub),
		body: map[string]any{"comment": "Фото приложено", "files": []string{file}}})
	if r.status != http.StatusOK {
		e.t.Fatalf("respond with a file: %d %s", r.status, r.body)
	}
	return id + "/" + file
}

// TestRespondWithFiles: an answer to a request for information links files
// the applicant uploaded through the files routes; each is checked before
// anything is written (another person's file, an unknown id, a repeated
// one, one still uploading: 422, the application unchanged); the clerk
// sees them on the application's timeline and downloads each with a
// presigned GET of its object; staff of another agency get 404, the
// applicant 403; a file the applicant deletes is gone for the clerk.
func TestRespondWithFiles(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	id := e.needsInfo("alice")
	mine := strings.SplitN(e.mustFile("alice"), "/", 2)[1]
	bobs := strings.SplitN(e.mustFile("bob"), "/", 2)[1]
	// an upload begun but never completed
	doc := e.mustCreate("alice", map[string]any{"type": "custom", "title": "Фото"})["id"].(string)
	pending := e.do(req{method: "POST", path: "/documents/" + doc + "/files", token: alice,
		body: map[string]any{"name": "photo.pdf", "contentType": "application/pdf", "size": 10, "sha256": strings.Repeat("ab", 32)}})
	if pending.status != http.StatusCreated {
		t.Fatalf("begin: %d %s", pending.status, pending.body)
	}
	pendingID := pending.json(t)["id"].(string)

	before := e.do(req{method: "GET", path: "/applications/" + id, token: alice}).json(t)
	for _, c := range []struct {
		name  string
		files []string
		field string
	}{
		{"another person's file", []string{bobs}, "files[0]:not_found"},
		{"an unknown id", []string{mine, "0190a6b2-0000-7000-8000-00000000dead"}, "files[1]:not_found"},
		{"the same file twice", []string{mine, mine}, "files[1]:duplicate"},
		{"a file still uploading", []string{pendingID}, "files[0]:not_ready"},
		{"too many", []string{mine, mine, mine, mine, mine, mine, mine, mine, mine, mine, mine}, "files:too_many"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(req{method: "POST", path: "/applications/" + id + "/respond", token: alice,
				body: map[string]any{"comment": "Вот", "files": c.files}})
			assertProblem(t, r, http.StatusUnprocessableEntity, c.field)
			after := e.do(req{method: "GET", path: "/applications/" + id, token: alice}).json(t)
			if !reflect.DeepEqual(after, before) {
				t.Errorf("a refused answer changed the application:\nbefore %v\nafter  %v", before, after)
			}
		})
	}

	r := e.do(req{method: "POST", path: "/applications/" + id + "/respond", token: alice,
		body: map[string]any{"comment": "Фото приложено", "files": []string{mine}}})
	if r.status != http.StatusOK {
		t.Fatalf("respond: %d %s", r.status, r.body)
	}
	got := r.json(t)
	if got["status"] != "processing" {
		t.Errorf("status %v after the answer", got["status"])
	}
	tl := got["timeline"].([]any)
	last := tl[len(tl)-1].(map[string]any)
	files, _ := last["files"].([]any)
	if len(files) != 1 || files[0].(map[string]any)["id"] != mine || files[0].(map[string]any)["name"] != "scan.pdf" {
		t.Fatalf("the answer's timeline entry: %v, want the file", last)
	}

	// the clerk: the application in the agency's queue shows the file; its download serves the bytes
	fns := e.agencyStaff("fns")
	q := e.do(req{method: "GET", path: "/agency/applications?status=processing", token: fns})
	if q.status != http.StatusOK || !bytes.Contains(q.body, []byte(mine)) {
		t.Errorf("the agency's queue does not show the answer's file: %d %s", q.status, q.body)
	}
	path := "/applications/" + id + "/files/" + mine
	d := e.do(req{method: "GET", path: path, token: fns})
	if d.status != http.StatusOK {
		t.Fatalf("the clerk's download: %d %s", d.status, d.body)
	}
	// The URL is signed at the test's clock, which the emulator would call
	// expired: its object is checked here, its bytes by the files
	// service's own emulator test (TestFileUploadCompleteDownload).
	url, _ := d.json(t)["downloadUrl"].(string)
	docID := files[0].(map[string]any)["documentId"].(string)
	if !strings.Contains(url, "/files/alice/"+docID+"/"+mine+"?") || !strings.Contains(url, "X-Amz-Signature=") {
		t.Errorf("the clerk's download URL %q is not a presigned GET of the file's object", url)
	}
	assertProblem(t, e.do(req{method: "GET", path: path, token: e.agencyStaff("mvd")}), http.StatusNotFound)
	assertProblem(t, e.do(req{method: "GET", path: path, token: alice}), http.StatusForbidden)
	assertProblem(t, e.do(req{method: "GET", path: path, token: e.token("mallory")}), http.StatusNotFound)
	// a file of alice's the answers do not name
	other := strings.SplitN(e.mustFile("alice"), "/", 2)[1]
	assertProblem(t, e.do(req{method: "GET", path: "/applications/" + id + "/files/" + other, token: fns}), http.StatusNotFound)

	// the applicant deletes the file: the clerk's link is gone with it
	if r := e.do(req{method: "DELETE", path: "/documents/" + files[0].(map[string]any)["documentId"].(string) + "/files/" + mine, token: alice}); r.status != http.StatusNoContent {
		t.Fatalf("delete the file: %d %s", r.status, r.body)
	}
	assertProblem(t, e.do(req{method: "GET", path: path, token: fns}), http.StatusNotFound)
}

// TestSharedDocumentForStaff: staff of the institution a document is shared
// with read that one share — the document and its files with download
// URLs —, the read is in the owner's list of reads; staff of another
// institution are refused, and a revoked share is 404 at once.
func TestSharedDocumentForStaff(t *testing.T) {
	e := newBookingEnv(t)
	docFile := strings.SplitN(e.mustFile("alice"), "/", 2)
	doc, file := docFile[0], docFile[1]
	r := e.do(req{method: "POST", path: "/documents/" + doc + "/shares", token: e.token("alice"),
		body: map[string]any{"institutionId": kgdPoly, "until": e.clock.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)}})
	if r.status != http.StatusCreated {
		t.Fatalf("share: %d %s", r.status, r.body)
	}
	share := r.json(t)["id"].(string)
	path := "/institutions/" + kgdPoly + "/shared-documents/" + share
	staff := e.staff(kgdPoly)

	got := e.do(req{method: "GET", path: path, token: staff})
	if got.status != http.StatusOK {
		t.Fatalf("the share: %d %s", got.status, got.body)
	}
	body := got.json(t)
	files, _ := body["files"].([]any)
	if body["shareId"] != share || body["document"].(map[string]any)["id"] != doc || len(files) != 1 {
		t.Fatalf("the share as staff read it: %v", body)
	}
	if f := files[0].(map[string]any); f["id"] != file || !strings.Contains(f["downloadUrl"].(string), "X-Amz-Signature=") {
		t.Errorf("its file: %v, want a presigned download", f)
	}
	shares := e.do(req{method: "GET", path: "/documents/" + doc + "/shares", token: e.token("alice")})
	if !bytes.Contains(shares.body, []byte(`"staff":"staff@`+kgdPoly+`"`)) {
		t.Errorf("the owner's shares do not show the read: %s", shares.body)
	}

	assertType(t, e.do(req{method: "GET", path: "/institutions/" + kgdHospital + "/shared-documents/" + share, token: e.staff(kgdHospital)}),
		http.StatusNotFound, "not-found")
	assertType(t, e.do(req{method: "GET", path: path, token: e.staff(kgdHospital)}), http.StatusForbidden, "other-institution")
	if r := e.do(req{method: "DELETE", path: "/documents/" + doc + "/shares/" + share, token: e.token("alice")}); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	assertProblem(t, e.do(req{method: "GET", path: path, token: staff}), http.StatusNotFound)
}

// shareReads is how many staff reads the owner sub sees on share (of
// document doc).
func (e *env) shareReads(sub, doc, share string) int {
	e.t.Helper()
	r := e.do(req{method: "GET", path: "/documents/" + doc + "/shares", token: e.token(sub)})
	if r.status != http.StatusOK {
		e.t.Fatalf("shares: %d %s", r.status, r.body)
	}
	for _, it := range r.json(e.t)["items"].([]any) {
		if it := it.(map[string]any); it["id"] == share {
			return len(it["reads"].([]any))
		}
	}
	e.t.Fatalf("share %s not in %s", share, r.body)
	return 0
}

// TestRevokedShareIsReadByNobody: a revoked share, though the institution's
// index (as DynamoDB's may, DynamoDB Local's never does) still lists it, is
// left out of the staff's list and refused by id — and neither records a
// read its owner would be shown.
func TestRevokedShareIsReadByNobody(t *testing.T) {
	e := newBookingEnv(t)
	kept, revoked := strings.Split(e.mustShare("alice", kgdHospital), "/"), strings.Split(e.mustShare("alice", kgdHospital), "/")
	index := &storetest.FrozenIndex{}
	lagging := e.servedBy(core.Config{}, index.Middleware)
	staff := e.staff(kgdHospital)
	list := func(e *env) []any {
		r := e.do(req{method: "GET", path: "/institutions/" + kgdHospital + "/shared-documents", token: staff})
		if r.status != http.StatusOK {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		return r.json(t)["items"].([]any)
	}
	if got := list(lagging); len(got) != 2 {
		t.Fatalf("before revoking: %d shares, want 2", len(got))
	}
	index.Freeze()
	if r := e.do(req{method: "DELETE", path: "/documents/" + revoked[0] + "/shares/" + revoked[1], token: e.token("alice")}); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	for _, e := range []*env{lagging, e} {
		got := list(e)
		if len(got) != 1 || got[0].(map[string]any)["shareId"] != kept[1] {
			t.Errorf("after revoking, the list = %v, want the kept share alone", got)
		}
		assertType(t, e.do(req{method: "GET", path: "/institutions/" + kgdHospital + "/shared-documents/" + revoked[1], token: staff}),
			http.StatusNotFound, "share-ended")
	}
	if n := e.shareReads("alice", revoked[0], revoked[1]); n != 1 {
		t.Errorf("the revoked share shows %d reads, want the one before revoking", n)
	}
	if n := e.shareReads("alice", kept[0], kept[1]); n != 3 {
		t.Errorf("the kept share shows %d reads, want 3", n)
	}
}
