package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/verify"

	"github.com/kabinet/kabinet/shared/adapter/objects"
)

var testPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// mustFile attaches a completed PDF to a new document of sub and returns
// "docId/fileId". The bytes go to storage directly, as the client's PUT
// would put them: the env's clock is in the past, so a presigned URL it
// signs has expired by the wall clock the emulator checks.
func (e *env) mustFile(sub string) string {
	e.t.Helper()
	doc := e.mustCreate(sub, map[string]any{"type": "custom", "title": "Скан паспорта"})["id"].(string)
	return doc + "/" + e.fileOn(sub, doc)
}

// fileOn attaches a completed PDF to sub's document doc, as mustFile, and
// returns the file's id.
func (e *env) fileOn(sub, doc string) string {
	e.t.Helper()
	sum := sha256.Sum256(testPDF)
	r := e.do(req{method: "POST", path: "/documents/" + doc + "/files", token: e.token(sub),
		body: map[string]any{"name": "scan.pdf", "contentType": "application/pdf", "size": len(testPDF), "sha256": hex.EncodeToString(sum[:])}})
	if r.status != http.StatusCreated {
		e.t.Fatalf("begin file: %d %s", r.status, r.body)
	}
	id := r.json(e.t)["id"].(string)
	b := objects.New(e.cl.AWS, e.bucket, true, time.Now)
	if err := b.Put(context.Background(), "files/"+sub+"/"+doc+"/"+id, "application/pdf", testPDF); err != nil {
		e.t.Fatal(err)
	}
	if r := e.do(req{method: "POST", path: "/documents/" + doc + "/files/" + id + "/complete", token: e.token(sub)}); r.status != http.StatusOK {
		e.t.Fatalf("complete: %d %s", r.status, r.body)
	}
	return id
}

// mustShare shares a new document of sub with institution for 30 days and
// returns "docId/shareId".
func (e *env) mustShare(sub, institution string) string {
	e.t.Helper()
	doc := e.mustCreate(sub, map[string]any{"type": "custom", "title": "Выписка"})["id"].(string)
	r := e.do(req{method: "POST", path: "/documents/" + doc + "/shares", token: e.token(sub),
		body: map[string]any{"institutionId": institution, "until": e.clock.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)}})
	if r.status != http.StatusCreated {
		e.t.Fatalf("share: %d %s", r.status, r.body)
	}
	return doc + "/" + r.json(e.t)["id"].(string)
}

// TestConfirmationPDFIsSigned: the booking confirmation Kabinet issues is
// PAdES-signed, and pdfsign's verifier finds the signature valid.
func TestConfirmationPDFIsSigned(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	id := e.mustBook("alice", kgd(kgdTherapist, "2026-06-16 10:00"))["id"].(string)
	r := e.do(req{method: "GET", path: "/bookings/" + id + "/confirmation.pdf", token: e.token("alice")})
	if r.status != http.StatusOK {
		t.Fatalf("confirmation.pdf: %d %s", r.status, r.body)
	}
	opts := verify.DefaultVerifyOptions()
	opts.AllowUntrustedRoots = true // the test key is self-signed
	opts.TrustSignatureTime = true
	res, err := verify.VerifyWithOptions(bytes.NewReader(r.body), int64(len(r.body)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Signers) != 1 || !res.Signers[0].ValidSignature {
		t.Fatalf("signatures: %+v, want one valid", res.Signers)
	}
}
