// Package pades signs the PDFs Kabinet issues (booking confirmations,
// application receipts) with the service's key: a PAdES signature
// (ETSI.CAdES.detached, github.com/digitorus/pdfsign) that any PDF reader
// shows as unchanged since issue. The key and certificate come from the
// stack (Secrets Manager); locally from .local/pdf-signing (LocalKey).
package pades

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"encoding/asn1"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
)

// Signer signs PDFs as Kabinet.
type Signer struct {
	Key   crypto.Signer
	Cert  *x509.Certificate
	Chain []*x509.Certificate // issuers above Cert, nearest first; may be empty
}

// New reads a signer from PEM: the certificate (then any chain) and its
// private key (PKCS#8, PKCS#1 or SEC 1). Errors: unreadable or mismatched.
func New(certPEM, keyPEM []byte) (*Signer, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("pades: signing key: %w", err)
	}
	key, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, errors.New("pades: the private key cannot sign")
	}
	s := &Signer{Key: key}
	for i, der := range pair.Certificate {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("pades: certificate: %w", err)
		}
		if i == 0 {
			s.Cert = c
		} else {
			s.Chain = append(s.Chain, c)
		}
	}
	return s, nil
}

// Sign returns doc with an approval signature by Kabinet dated at, giving
// reason (shown by readers). Errors: doc is not a PDF the signer can read.
func (s *Signer) Sign(doc []byte, at time.Time, reason string) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("pades: read PDF: %w", err)
	}
	chain := append([]*x509.Certificate{s.Cert}, s.Chain...)
	var out bytes.Buffer
	err = sign.Sign(bytes.NewReader(doc), &out, rdr, int64(len(doc)), sign.SignData{
		Signature: sign.SignDataSignature{
			CertType:   sign.ApprovalSignature,
			DocMDPPerm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms,
			Info:       sign.SignDataSignatureInfo{Name: "Kabinet", Location: "Kabinet", Reason: reason, Date: at},
		},
		Signer:            s.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.Cert,
		CertificateChains: [][]*x509.Certificate{chain},
	})
	if err != nil {
		return nil, fmt.Errorf("pades: sign: %w", err)
	}
	return out.Bytes(), nil
}

// LocalKey returns the development signer kept in dir (cert.pem, key.pem
// 0600), making a self-signed one on first use. For the local runner and
// tests only; dir is git-ignored, so no key enters the repository.
func LocalKey(dir string, now time.Time) (*Signer, error) {
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if c, err := os.ReadFile(certPath); err == nil {
		if k, err := os.ReadFile(keyPath); err == nil {
			return New(c, k)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "Kabinet (local development)", Organization: []string{"Kabinet"}},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.AddDate(5, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		// Document Signing (RFC 9336), which PDF validators look for.
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 36}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
		return nil, err
	}
	return New(certPEM, keyPEM)
}
