package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/kabinet/kabinet/shared/adapter/signatures"
	"github.com/kabinet/kabinet/shared/domain/files"
)

// TestSignatureOverStoredBytes: a detached signature over the bytes the
// owner uploaded verifies against the configured trust anchor; the same
// signer's signature over other bytes does not; results stay on the file.
func TestSignatureOverStoredBytes(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	now := time.Now()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Root"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafDER, _ := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Иванов И. И."},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}, ca, &key.PublicKey, caKey)
	leaf, _ := x509.ParseCertificate(leafDER)
	v, err := signatures.New(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Verifier = v
	sign := func(content []byte) []byte {
		sd, err := pkcs7.NewSignedData(content)
		if err != nil {
			t.Fatal(err)
		}
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
		if err := sd.AddSigner(leaf, key, pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
		sd.Detach()
		der, err := sd.Finish()
		if err != nil {
			t.Fatal(err)
		}
		return der
	}

	doc := e.mustDocument(t, "alice")
	up, _, err := e.svc.Begin(ctx, "alice", doc, files.BeginInput{Name: "договор.pdf", ContentType: files.TypePDF, Size: int64(len(scanPDF)), SHA256: hexSum(scanPDF)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code := upload(t, up.Upload, scanPDF); code != http.StatusOK {
		t.Fatalf("PUT = %d", code)
	}
	if _, err := e.svc.Complete(ctx, "alice", doc, up.File.ID); err != nil {
		t.Fatal(err)
	}
	good, err := e.svc.AddSignature(ctx, "alice", doc, up.File.ID, sign(scanPDF))
	if err != nil {
		t.Fatal(err)
	}
	if good.Result != files.Valid || good.Signer == nil || good.Signer.Subject != "CN=Иванов И. И." {
		t.Fatalf("signature over the stored bytes: %+v, want valid by the signer", good)
	}
	other, err := e.svc.AddSignature(ctx, "alice", doc, up.File.ID, sign(scanPNG))
	if err != nil {
		t.Fatal(err)
	}
	if other.Result != files.Invalid || other.Reason != files.ReasonDigestMismatch {
		t.Fatalf("signature over other bytes: %+v, want invalid digest_mismatch", other)
	}
	d, err := e.svc.Get(ctx, "alice", doc, up.File.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.File.Signatures) != 2 || d.File.Signatures[0].Result != files.Valid || d.File.Signatures[0].Signer.Subject != good.Signer.Subject {
		t.Errorf("stored results = %+v, want both, the valid one with its signer", d.File.Signatures)
	}
	if _, err := e.svc.AddSignature(ctx, "bob", doc, up.File.ID, sign(scanPDF)); err == nil {
		t.Error("bob added a signature to alice's file")
	}
}
