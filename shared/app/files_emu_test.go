package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// filesEnv is the files service composed as the functions compose it, on
// DynamoDB Local and the S3 emulator, with a clock the test moves.
type filesEnv struct {
	cl     core.Clients
	bucket string
	st     *allstore.Store
	docs   *registry.Service
	svc    *files.Service
	mu     sync.Mutex
	now    time.Time
}

func (e *filesEnv) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
func (e *filesEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

func newFilesEnv(t *testing.T) *filesEnv {
	t.Helper()
	cl, table := testenv.Table(t, "files")
	e := &filesEnv{cl: cl, bucket: testenv.Bucket(t, cl, "files"), now: time.Now().UTC().Truncate(time.Second)}
	cfg := core.Config{Table: table, FilesBucket: e.bucket, PathStyle: true}
	e.st = allstore.Of(core.NewStore(cfg, cl, e.clock))
	e.docs = &registry.Service{Store: e.st, Now: e.clock, NewID: ids.New}
	e.svc = filing.FilesService(cfg, cl, e.st.Store, e.docs, nil, e.clock)
	e.svc.Inbox = e.st // as filing/intake composes the scan verdicts: an infected file is told
	return e
}

func (e *filesEnv) mustDocument(t *testing.T, owner string) string {
	t.Helper()
	var in registry.CreateInput
	if err := json.Unmarshal([]byte(`{"type":"contract","title":"Договор аренды"}`), &in); err != nil {
		t.Fatal(err)
	}
	v, _, err := e.docs.CreateDocument(context.Background(), owner, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v.Document.ID
}

func hexSum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// upload puts body to the presigned URL with a real HTTP PUT, as a browser
// would, and returns the status.
func upload(t *testing.T, p files.Presigned, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(p.Method, p.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var (
	scanPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	scanPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
)

// TestFileUploadCompleteDownload is the path a citizen takes: declare, PUT
// to the presigned URL, complete, download through the presigned GET.
func TestFileUploadCompleteDownload(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	doc := e.mustDocument(t, "alice")
	up, _, err := e.svc.Begin(ctx, "alice", doc, files.BeginInput{Name: "договор.pdf", ContentType: files.TypePDF, Size: int64(len(scanPDF)), SHA256: hexSum(scanPDF)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if up.File.Status != files.StatusPendingUpload {
		t.Errorf("status after Begin = %s, want pending_upload", up.File.Status)
	}
	if code := upload(t, up.Upload, scanPDF); code != http.StatusOK {
		t.Fatalf("PUT = %d", code)
	}
	f, err := e.svc.Complete(ctx, "alice", doc, up.File.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != files.StatusNotScanned {
		t.Errorf("status = %s, want not_scanned (no scanner locally)", f.Status)
	}
	d, err := e.svc.Get(ctx, "alice", doc, up.File.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Download == nil {
		t.Fatal("no download URL for a completed file")
	}
	resp, err := http.Get(d.Download.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, scanPDF) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("download: %d bytes, Content-Disposition %q; want the PDF as an attachment", len(got), resp.Header.Get("Content-Disposition"))
	}
	if _, err := e.svc.Get(ctx, "bob", doc, up.File.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("bob reading alice's file: %v, want NotFound", err)
	}
	if _, err := e.svc.Complete(ctx, "alice", doc, up.File.ID); errs.ReasonOf(err) != files.ReasonAlreadyCompleted {
		t.Errorf("complete twice: %v, want Conflict already_completed", err)
	}
}

// TestFileCompleteRefuses: what arrived differs from what was declared.
// Each is refused naming the field, and neither the object nor the record
// nor its share of the quota is left behind.
func TestFileCompleteRefuses(t *testing.T) {
	tests := []struct {
		name     string
		declared files.BeginInput
		body     []byte // what the client then puts under a URL for declared
		field    string
		code     string
	}{
		// A PUT of another length is refused by storage (Content-Length is
		// signed); a client that declared the length wrong from the start
		// gets through storage and is caught at Complete by the hash.
		{"hash mismatch", files.BeginInput{ContentType: files.TypePDF, Size: int64(len(scanPDF)), SHA256: hexSum(scanPNG)}, scanPDF, "sha256", files.CodeSHA256Mismatch},
		{"declared png, sent pdf", files.BeginInput{ContentType: files.TypePNG, Size: int64(len(scanPDF)), SHA256: hexSum(scanPDF)}, scanPDF, "contentType", files.CodeTypeMismatch},
		{"an executable", files.BeginInput{ContentType: files.TypePDF, Size: 6, SHA256: hexSum([]byte("MZ\x90\x00\x03\x00"))}, []byte("MZ\x90\x00\x03\x00"), "contentType", files.CodeUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newFilesEnv(t)
			ctx := context.Background()
			doc := e.mustDocument(t, "alice")
			in := tt.declared
			in.Name = "x"
			up, _, err := e.svc.Begin(ctx, "alice", doc, in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if code := upload(t, up.Upload, tt.body); code != http.StatusOK {
				t.Fatalf("PUT = %d", code)
			}
			_, err = e.svc.Complete(ctx, "alice", doc, up.File.ID)
			var ke *errs.Error
			if !errorsAs(err, &ke) || ke.Kind != errs.Invalid || len(ke.Fields) != 1 || ke.Fields[0] != (errs.FieldError{Field: tt.field, Code: tt.code}) {
				t.Fatalf("Complete: %v, want Invalid %s:%s", err, tt.field, tt.code)
			}
			assertNothingLeft(t, e, "alice", doc)
		})
	}
}

// TestFileSizeMismatch: storage holds fewer bytes than declared (a client
// that declared the size wrong cannot even PUT: the length is signed).
func TestFileSizeMismatch(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	doc := e.mustDocument(t, "alice")
	up, _, err := e.svc.Begin(ctx, "alice", doc, files.BeginInput{Name: "x.pdf", ContentType: files.TypePDF, Size: int64(len(scanPDF)) + 5, SHA256: hexSum(scanPDF)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code := upload(t, up.Upload, scanPDF); code != http.StatusForbidden {
		t.Errorf("PUT of fewer bytes than signed = %d, want 403 from storage", code)
	}
	// Another writer (a bucket policy gap, an operator) put the short object.
	if err := objectsFor(e).Put(ctx, up.File.Key, files.TypePDF, scanPDF); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Complete(ctx, "alice", doc, up.File.ID)
	var ke *errs.Error
	if !errorsAs(err, &ke) || len(ke.Fields) != 1 || ke.Fields[0].Code != files.CodeSizeMismatch {
		t.Fatalf("Complete: %v, want size_mismatch", err)
	}
	assertNothingLeft(t, e, "alice", doc)
}

// TestFileUploadExpired: the URL used after expiry is refused by storage;
// completing then says upload_expired and removes the record.
func TestFileUploadExpired(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	doc := e.mustDocument(t, "alice")
	// Signed 16 minutes ago by the service's clock: expired now.
	e.advance(-(files.UploadTTL + time.Minute))
	up, _, err := e.svc.Begin(ctx, "alice", doc, files.BeginInput{Name: "x.png", ContentType: files.TypePNG, Size: int64(len(scanPNG)), SHA256: hexSum(scanPNG)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.advance(files.UploadTTL + time.Minute)
	if code := upload(t, up.Upload, scanPNG); code != http.StatusForbidden {
		t.Fatalf("PUT with an expired URL = %d, want 403", code)
	}
	e.advance(time.Minute) // past the grace for a PUT in flight
	if _, err := e.svc.Complete(ctx, "alice", doc, up.File.ID); errs.ReasonOf(err) != files.ReasonUploadExpired {
		t.Fatalf("Complete: %v, want upload_expired", err)
	}
	assertNothingLeft(t, e, "alice", doc)
}

// TestFileNotUploadedYet: completing before the PUT keeps the record (the
// URL still works) and says not_uploaded; the upload abandoned is reaped by
// the next list once its URL expired.
func TestFileNotUploadedYet(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	doc := e.mustDocument(t, "alice")
	up, _, err := e.svc.Begin(ctx, "alice", doc, files.BeginInput{Name: "x.png", ContentType: files.TypePNG, Size: int64(len(scanPNG)), SHA256: hexSum(scanPNG)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Complete(ctx, "alice", doc, up.File.ID); errs.ReasonOf(err) != files.ReasonNotUploaded {
		t.Fatalf("Complete before PUT: %v, want not_uploaded", err)
	}
	if l, _ := e.svc.List(ctx, "alice", doc); len(l) != 1 {
		t.Fatalf("List = %d files, want the pending one", len(l))
	}
	e.advance(files.UploadTTL + 2*time.Minute)
	if l, err := e.svc.List(ctx, "alice", doc); err != nil || len(l) != 0 {
		t.Fatalf("List after expiry = %v, %v; want none", l, err)
	}
	assertNothingLeft(t, e, "alice", doc)
}

// TestFileLimits: the 11th file of a document and a file over the quota
// are refused at Begin, before any URL is handed out.
func TestFileLimits(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	doc := e.mustDocument(t, "alice")
	in := files.BeginInput{Name: "x.pdf", ContentType: files.TypePDF, Size: int64(len(scanPDF)), SHA256: hexSum(scanPDF)}
	var first files.Upload
	for i := range files.MaxFilesPerDocument {
		up, _, err := e.svc.Begin(ctx, "alice", doc, in, nil)
		if err != nil {
			t.Fatalf("file %d: %v", i+1, err)
		}
		if i == 0 {
			first = up
		}
	}
	if _, _, err := e.svc.Begin(ctx, "alice", doc, in, nil); errs.ReasonOf(err) != files.ReasonTooManyFiles {
		t.Fatalf("file 11: %v, want too_many_files", err)
	}
	if err := e.svc.Delete(ctx, "alice", doc, first.File.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Begin(ctx, "alice", doc, in, nil); err != nil {
		t.Fatalf("after deleting one, file 10 again: %v", err)
	}
	// The quota: 25 files of 20 MB fill 500 MB, over several documents.
	big := in
	big.Size = files.MaxFileSize
	var carol string
	for i := range int(files.MaxBytesPerPerson/files.MaxFileSize) + 1 {
		if i%files.MaxFilesPerDocument == 0 {
			carol = e.mustDocument(t, "carol")
		}
		_, _, err := e.svc.Begin(ctx, "carol", carol, big, nil)
		full := int64(i+1)*files.MaxFileSize > files.MaxBytesPerPerson
		switch {
		case full && errs.ReasonOf(err) != files.ReasonQuotaExceeded:
			t.Fatalf("file %d over the quota: %v, want quota_exceeded", i+1, err)
		case !full && err != nil:
			t.Fatalf("file %d within the quota: %v", i+1, err)
		}
	}
	if _, _, err := e.svc.Begin(ctx, "bob", doc, in, nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("bob attaching to alice's document: %v, want NotFound", err)
	}
}

func errorsAs(err error, target **errs.Error) bool { return errors.As(err, target) }

func objectsFor(e *filesEnv) *objects.Bucket { return objects.New(e.cl.AWS, e.bucket, true, e.clock) }

// TestDeleteDocumentErasesFiles: erasing a document (and a person) leaves no
// object in the bucket and no record.
func TestDeleteDocumentErasesFiles(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	doc := e.mustDocument(t, "alice")
	other := e.mustDocument(t, "alice")
	for _, d := range []string{doc, doc, other} {
		up, _, err := e.svc.Begin(ctx, "alice", d, files.BeginInput{Name: "x.pdf", ContentType: files.TypePDF, Size: int64(len(scanPDF)), SHA256: hexSum(scanPDF)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if code := upload(t, up.Upload, scanPDF); code != http.StatusOK {
			t.Fatalf("PUT = %d", code)
		}
		if _, err := e.svc.Complete(ctx, "alice", d, up.File.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.docs.DeleteDocument(ctx, "alice", doc); err != nil {
		t.Fatal(err)
	}
	left := testenv.Objects(t, e.cl, e.bucket)
	if len(left) != 1 || !strings.Contains(left[0], "/"+other+"/") {
		t.Fatalf("objects after erasing %s: %v, want only the other document's", doc, left)
	}
	assertNothingLeftBut(t, e, "alice", doc, int64(len(scanPDF)))
	if err := e.svc.DeletePerson(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if left := testenv.Objects(t, e.cl, e.bucket); len(left) != 0 {
		t.Fatalf("objects after erasing the person: %v, want none", left)
	}
	if all, _ := e.st.ListOwnerFiles(ctx, "alice"); len(all) != 0 {
		t.Errorf("records after erasing the person: %d, want none", len(all))
	}
}

func assertNothingLeft(t *testing.T, e *filesEnv, owner, doc string) {
	t.Helper()
	assertNothingLeftBut(t, e, owner, doc, 0)
}

// assertNothingLeftBut: doc has no record, object or file count left, and
// the owner's quota holds exactly wantBytes (other documents' files).
func assertNothingLeftBut(t *testing.T, e *filesEnv, owner, doc string, wantBytes int64) {
	t.Helper()
	ctx := context.Background()
	if recs, _ := e.st.ListFiles(ctx, owner, doc); len(recs) != 0 {
		t.Errorf("records left: %d", len(recs))
	}
	if keys := testenv.Objects(t, e.cl, e.bucket); slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, "/"+doc+"/") }) {
		t.Errorf("objects left: %v", keys)
	}
	bytes, count, err := e.st.FileUsage(ctx, owner, doc)
	if err != nil {
		t.Fatal(err)
	}
	if bytes != wantBytes || count != 0 {
		t.Errorf("quota holds %d bytes, %d files of the document; want %d bytes, 0 files", bytes, count, wantBytes)
	}
}
