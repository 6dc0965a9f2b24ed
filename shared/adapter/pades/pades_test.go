package pades_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/verify"

	"github.com/kabinet/kabinet/shared/adapter/pades"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

// TestSignedConfirmationVerifies: a booking confirmation as Kabinet issues
// it, signed, is re-verified by pdfsign's verifier (signature over the
// document, chain to the signer's certificate trusted as a root), and a
// byte changed after signing breaks it.
func TestSignedConfirmationVerifies(t *testing.T) {
	at := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	s, err := pades.LocalKey(filepath.Join(t.TempDir(), "pdf-signing"), at)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ticket.PDF(ticket.Booking{ID: "b1", ConfirmationNumber: "K-2026-000001", Status: "confirmed",
		Start: at.Add(48 * time.Hour), TimeZone: "Europe/Moscow", Institution: "Городская поликлиника № 1",
		Address: "ул. Ленина, 1", Specialist: "Иванова А. А.", Specialization: "Терапевт", Mode: "in_person"}, nil, "ru")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(doc, at, "Подтверждение записи")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, doc[:8]) || len(signed) <= len(doc) {
		t.Fatalf("signed PDF of %d bytes from %d; want the document with a signature appended", len(signed), len(doc))
	}
	opts := verify.DefaultVerifyOptions()
	opts.AllowUntrustedRoots = true // the local key is self-signed: trust what the PDF embeds
	opts.TrustSignatureTime = true
	res, err := verify.VerifyWithOptions(bytes.NewReader(signed), int64(len(signed)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Signers) != 1 || !res.Signers[0].ValidSignature {
		t.Fatalf("verify: %+v, want one valid signature", res)
	}
	if c := res.Signers[0].Certificates; len(c) == 0 || !c[0].Certificate.Equal(s.Cert) {
		t.Errorf("signed by %v, want Kabinet's certificate", c)
	}

	tampered := bytes.Clone(signed)
	i := bytes.Index(tampered, []byte("/Type /Page")) // inside the signed byte range
	if i < 0 {
		t.Fatal("no page object in the PDF")
	}
	tampered[i+1] = 't'
	res, err = verify.VerifyWithOptions(bytes.NewReader(tampered), int64(len(tampered)), opts)
	if err == nil && len(res.Signers) == 1 && res.Signers[0].ValidSignature {
		t.Error("a PDF changed after signing still verifies")
	}
}
