package signatures_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/kabinet/kabinet/shared/adapter/signatures"
	"github.com/kabinet/kabinet/shared/domain/files"
)

// ca is a certificate authority made in the test.
type ca struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var serial int64

func newKey(t *testing.T, kind string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	if kind == "ecdsa" {
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func issue(t *testing.T, parent *ca, tmpl *x509.Certificate, key crypto.Signer) *x509.Certificate {
	t.Helper()
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	parentCert, parentKey := tmpl, key
	if parent != nil {
		parentCert, parentKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newCA(t *testing.T, name, kind string) *ca {
	t.Helper()
	key := newKey(t, kind)
	now := time.Now()
	c := issue(t, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: name}, NotBefore: now.Add(-10 * 365 * 24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, key)
	return &ca{cert: c, key: key}
}

func (a *ca) signer(t *testing.T, kind string, from, until time.Time) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key := newKey(t, kind)
	c := issue(t, a, &x509.Certificate{
		Subject:   pkix.Name{CommonName: "Иванов Иван Иванович", Organization: []string{"Kabinet test"}},
		NotBefore: from, NotAfter: until, KeyUsage: x509.KeyUsageDigitalSignature,
	}, key)
	return c, key
}

func sign(t *testing.T, content []byte, cert *x509.Certificate, key crypto.Signer, detach bool) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(cert, key, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	if detach {
		sd.Detach()
	}
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func pemOf(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func TestVerify(t *testing.T) {
	content := []byte("%PDF-1.4\nсправка о результатах анализов\n%%EOF\n")
	now := time.Now()
	valid := [2]time.Time{now.Add(-24 * time.Hour), now.Add(365 * 24 * time.Hour)}
	trusted := newCA(t, "Kabinet Test Root", "rsa")
	other := newCA(t, "Someone Else's Root", "ecdsa")
	v, err := signatures.New(pemOf(trusted.cert))
	if err != nil {
		t.Fatal(err)
	}

	rsaCert, rsaKey := trusted.signer(t, "rsa", valid[0], valid[1])
	ecCert, ecKey := trusted.signer(t, "ecdsa", valid[0], valid[1])
	strangerCert, strangerKey := other.signer(t, "rsa", valid[0], valid[1])
	expiredCert, expiredKey := trusted.signer(t, "ecdsa", now.Add(-2*365*24*time.Hour), now.Add(-365*24*time.Hour))

	tampered := append([]byte{}, content...)
	tampered[10] ^= 1
	tests := []struct {
		name    string
		content []byte
		sig     []byte
		result  files.Result
		reason  string
	}{
		{"rsa valid", content, sign(t, content, rsaCert, rsaKey, true), files.Valid, ""},
		{"ecdsa valid", content, sign(t, content, ecCert, ecKey, true), files.Valid, ""},
		{"pem-encoded", content, pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: sign(t, content, rsaCert, rsaKey, true)}), files.Valid, ""},
		{"over other bytes (rsa)", tampered, sign(t, content, rsaCert, rsaKey, true), files.Invalid, files.ReasonDigestMismatch},
		{"over other bytes (ecdsa)", content[:20], sign(t, content, ecCert, ecKey, true), files.Invalid, files.ReasonDigestMismatch},
		{"wrong CA", content, sign(t, content, strangerCert, strangerKey, true), files.UntrustedSigner, "unknown_authority"},
		{"expired certificate", content, sign(t, content, expiredCert, expiredKey, true), files.ExpiredCertificate, "signed_outside_validity"},
		{"not CMS", content, []byte("-----BEGIN SIGNATURE-----\nnope\n"), files.Invalid, files.ReasonNotCMS},
		{"random bytes", content, []byte{0x30, 0x82, 0xff, 0xff, 0x01}, files.Invalid, files.ReasonNotCMS},
		{"embeds its content", content, sign(t, content, rsaCert, rsaKey, false), files.Invalid, files.ReasonNotDetached},
		{"GOST R 34.10-2012", content, gostSignedData(t, rsaCert), files.UnsupportedAlgorithm, files.ReasonGOST},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(context.Background(), tt.content, tt.sig, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.Result != tt.result || got.Reason != tt.reason {
				t.Fatalf("Verify = %s (%s), want %s (%s)", got.Result, got.Reason, tt.result, tt.reason)
			}
			if tt.result == files.Valid {
				if got.Signer == nil || got.Signer.Subject == "" || got.SignedAt == nil {
					t.Errorf("valid signature without signer or signing time: %+v", got)
				}
			}
		})
	}
}

// gostSignedData builds a detached SignedData whose signer claims GOST R
// 34.11-2012 (Streebog-256) and GOST R 34.10-2012 (256-bit key): what a
// Russian qualified signature carries. Nothing in Go can make a real one.
func gostSignedData(t *testing.T, cert *x509.Certificate) []byte {
	t.Helper()
	type algID struct {
		Algorithm asn1.ObjectIdentifier
		Params    asn1.RawValue `asn1:"optional"`
	}
	type issuerAndSerial struct {
		Issuer asn1.RawValue
		Serial *big.Int
	}
	type signerInfo struct {
		Version         int
		IAS             issuerAndSerial
		DigestAlg       algID
		DigestEnc       algID
		EncryptedDigest []byte
	}
	type contentInfo struct{ ContentType asn1.ObjectIdentifier }
	type signedData struct {
		Version     int
		DigestAlgs  []algID `asn1:"set"`
		ContentInfo contentInfo
		Certs       asn1.RawValue
		SignerInfos []signerInfo `asn1:"set"`
	}
	streebog := algID{Algorithm: asn1.ObjectIdentifier{1, 2, 643, 7, 1, 1, 2, 2}}
	gost2012 := algID{Algorithm: asn1.ObjectIdentifier{1, 2, 643, 7, 1, 1, 1, 1}}
	sd, err := asn1.Marshal(signedData{
		Version:     1,
		DigestAlgs:  []algID{streebog},
		ContentInfo: contentInfo{ContentType: pkcs7.OIDData},
		Certs:       asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: cert.Raw},
		SignerInfos: []signerInfo{{Version: 1, IAS: issuerAndSerial{Issuer: asn1.RawValue{FullBytes: cert.RawIssuer}, Serial: cert.SerialNumber},
			DigestAlg: streebog, DigestEnc: gost2012, EncryptedDigest: make([]byte, 64)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}{pkcs7.OIDSignedData, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sd}})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestOpenSSLFixture checks a signature made once by `openssl cms -sign`
// (testdata/README.md has the commands), so the verifier agrees with a tool
// other than the library that made the others.
func TestOpenSSLFixture(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	v, err := signatures.New(read("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	content, sig := read("content.pdf"), read("content.pdf.p7s")
	got, err := v.Verify(context.Background(), content, sig, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got.Result != files.Valid || got.Signer == nil || got.Signer.Subject != "CN=Kabinet Fixture Signer,O=Kabinet test" {
		t.Fatalf("openssl fixture: %+v (signer %+v), want valid by CN=Kabinet Fixture Signer", got, got.Signer)
	}
	content[len(content)-2] ^= 1
	if got, _ := v.Verify(context.Background(), content, sig, time.Now()); got.Result != files.Invalid || got.Reason != files.ReasonDigestMismatch {
		t.Errorf("openssl fixture over changed bytes: %s (%s), want invalid (digest_mismatch)", got.Result, got.Reason)
	}
}

func TestLocalCAMadeOnceThenReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "signing-ca")
	first, err := signatures.LocalCA(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	second, err := signatures.LocalCA(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != string(second) {
		t.Error("a second LocalCA made a new CA; want the one on disk")
	}
	if _, err := signatures.New(first); err != nil {
		t.Errorf("local CA is not a usable trust anchor: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "ca-key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("CA key: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
}
