package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/signatures"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/domain/errs"
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

// testSigner is a CA and a signer certified by it, valid around now.
type testSigner struct {
	ca   *x509.Certificate
	leaf *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestSigner(t *testing.T, name string, now time.Time) testSigner {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name, Organization: []string{"Аккредитованный удостоверяющий центр"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Иванов И. И."},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)
	return testSigner{ca: ca, leaf: leaf, key: key}
}

func (s testSigner) sign(t *testing.T, content []byte) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(s.leaf, s.key, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func bundleOf(signers []testSigner) []byte {
	var out []byte
	for _, s := range signers {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ca.Raw})...)
	}
	return out
}

// TestTrustAnchorsFromTheBucket: the trust anchors are a bundle of several
// CAs, larger than Lambda's 4 KB of environment, kept in the files bucket
// at functions.TrustAnchorsKey and read on the first signature check: with
// no bundle there yet a check is Unavailable (503); once it is put, a
// signature chained to its last CA is valid; a bundle replaced without that
// CA is picked up only after signatures.AnchorsRefresh, and then the same
// signature is untrusted; a bundle gone keeps the one in hand.
func TestTrustAnchorsFromTheBucket(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	now := e.clock()
	var signers []testSigner
	for i := range 9 {
		signers = append(signers, newTestSigner(t, fmt.Sprintf("УЦ %d", i+1), now))
	}
	bundle := bundleOf(signers)
	if len(bundle) <= 4096 {
		t.Fatalf("the bundle has %d bytes, want more than 4 KB", len(bundle))
	}
	cfg := core.Config{FilesBucket: e.bucket, PathStyle: true, TrustAnchorsKey: functions.TrustAnchorsKey}
	v := filing.SignatureVerifier(cfg, e.cl, e.clock)
	if v == nil {
		t.Fatal("no verifier for a bundle in the bucket")
	}
	e.svc.Verifier = v
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
	last := signers[len(signers)-1]
	sig := last.sign(t, scanPDF)
	if _, err := e.svc.AddSignature(ctx, "alice", doc, up.File.ID, sig); !errs.Is(err, errs.Unavailable) {
		t.Fatalf("no bundle in the bucket yet: %v, want Unavailable", err)
	}
	bucket := objectsFor(e)
	if err := bucket.Put(ctx, functions.TrustAnchorsKey, "application/x-pem-file", bundle); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.AddSignature(ctx, "alice", doc, up.File.ID, sig)
	if err != nil || got.Result != files.Valid {
		t.Fatalf("signature chained to the bundle's last CA: %+v, %v; want valid", got, err)
	}
	if err := bucket.Put(ctx, functions.TrustAnchorsKey, "application/x-pem-file", bundleOf(signers[:len(signers)-1])); err != nil {
		t.Fatal(err)
	}
	if got, err := e.svc.AddSignature(ctx, "alice", doc, up.File.ID, sig); err != nil || got.Result != files.Valid {
		t.Errorf("before the refresh: %+v, %v; want the bundle in hand, valid", got, err)
	}
	e.advance(signatures.AnchorsRefresh + time.Second)
	if got, err := e.svc.AddSignature(ctx, "alice", doc, up.File.ID, sig); err != nil || got.Result != files.UntrustedSigner {
		t.Errorf("after the refresh: %+v, %v; want untrusted_signer", got, err)
	}
	if err := bucket.Delete(ctx, functions.TrustAnchorsKey); err != nil {
		t.Fatal(err)
	}
	e.advance(signatures.AnchorsRefresh + time.Second)
	if got, err := e.svc.AddSignature(ctx, "alice", doc, up.File.ID, signers[0].sign(t, scanPDF)); err != nil || got.Result != files.Valid {
		t.Errorf("the bundle gone: %+v, %v; want the one in hand kept, valid", got, err)
	}
}
