// Package signatures verifies detached CMS/PKCS#7 signatures over a file's
// stored bytes (files.SignatureVerifier) with github.com/smallstep/pkcs7:
// the signature must cover exactly those bytes, its signer's certificate
// must chain to one of the configured trust anchors, and the chain must
// have been valid when the file was signed.
//
// GOST R 34.10-2012 (and 34.10-2001) signatures are recognised by their
// algorithm identifiers and answered unsupported_algorithm: Go has no GOST
// implementation, and a signature this verifier cannot check is never
// called valid. A GOST-capable verifier can take this one's place behind
// the port.
package signatures

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/kabinet/kabinet/shared/domain/files"
)

// Verifier checks detached signatures against Roots.
type Verifier struct {
	// Roots are the trust anchors; a signer whose chain reaches none of
	// them is untrusted_signer.
	Roots *x509.CertPool
}

var _ files.SignatureVerifier = (*Verifier)(nil)

// New returns a verifier trusting the CA certificates of a PEM bundle.
// Errors: the bundle holds no certificate.
func New(pemBundle []byte) (*Verifier, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBundle) {
		return nil, errors.New("signatures: the trust anchor bundle holds no PEM certificate")
	}
	return &Verifier{Roots: pool}, nil
}

// gostArc is the OID arc of Russian national algorithms (1.2.643): GOST R
// 34.10/34.11 of 2001 and 2012 all live under it.
var gostArc = asn1.ObjectIdentifier{1, 2, 643}

func isGOST(oid asn1.ObjectIdentifier) bool {
	return len(oid) >= len(gostArc) && oid[:len(gostArc)].Equal(gostArc)
}

// Verify implements files.SignatureVerifier.
func (v *Verifier) Verify(_ context.Context, content, signature []byte, now time.Time) (files.Verification, error) {
	out := files.Verification{VerifiedAt: now}
	fail := func(r files.Result, reason string) (files.Verification, error) {
		out.Result, out.Reason = r, reason
		return out, nil
	}
	der := signature
	// .p7s files come as DER or PEM ("-----BEGIN PKCS7-----", "CMS").
	if b, _ := pem.Decode(signature); b != nil {
		der = b.Bytes
	}
	p7, err := parse(der)
	if err != nil {
		return fail(files.Invalid, files.ReasonNotCMS)
	}
	if len(p7.Content) > 0 {
		return fail(files.Invalid, files.ReasonNotDetached)
	}
	if len(p7.Signers) == 0 {
		return fail(files.Invalid, files.ReasonNoSigner)
	}
	for _, s := range p7.Signers {
		if isGOST(s.DigestAlgorithm.Algorithm) || isGOST(s.DigestEncryptionAlgorithm.Algorithm) {
			return fail(files.UnsupportedAlgorithm, files.ReasonGOST)
		}
	}
	ee := p7.GetOnlySigner()
	if ee == nil {
		// More than one signer, or none with its certificate enclosed.
		return fail(files.Invalid, files.ReasonNoSigner)
	}
	if isGOST(publicKeyOID(ee)) {
		return fail(files.UnsupportedAlgorithm, files.ReasonGOST)
	}
	out.Signer = &files.Signer{
		Subject: ee.Subject.String(), Issuer: ee.Issuer.String(),
		SerialNumber: strings.ToUpper(hex.EncodeToString(ee.SerialNumber.Bytes())),
		NotBefore:    ee.NotBefore.UTC(), NotAfter: ee.NotAfter.UTC(),
	}
	at := now
	var signingTime time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &signingTime); err == nil {
		signingTime = signingTime.UTC()
		out.SignedAt = &signingTime
		at = signingTime
	}

	// The bytes first: a signature over other bytes is invalid whoever made it.
	p7.Content = content
	if err := p7.Verify(); err != nil {
		var digest *pkcs7.MessageDigestMismatchError
		var timing *pkcs7.SigningTimeNotValidError
		switch {
		case errors.As(err, &digest):
			return fail(files.Invalid, files.ReasonDigestMismatch)
		case errors.As(err, &timing):
			return fail(files.ExpiredCertificate, "signed_outside_validity")
		case strings.Contains(err.Error(), "unsupported"):
			return fail(files.UnsupportedAlgorithm, files.ReasonAlgorithm)
		default:
			return fail(files.Invalid, files.ReasonBadSignature)
		}
	}

	// Then who: the chain to a trust anchor, valid at signing time.
	inter := x509.NewCertPool()
	for _, c := range p7.Certificates {
		if c != ee {
			inter.AddCert(c)
		}
	}
	_, err = ee.Verify(x509.VerifyOptions{Roots: v.Roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		var invalid x509.CertificateInvalidError
		var unknown x509.UnknownAuthorityError
		switch {
		case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
			return fail(files.ExpiredCertificate, "certificate_expired")
		case errors.As(err, &unknown):
			return fail(files.UntrustedSigner, "unknown_authority")
		default:
			return fail(files.UntrustedSigner, "chain_invalid")
		}
	}
	out.Result = files.Valid
	return out, nil
}

// parse reads CMS SignedData, recovering from a parser panic on hostile
// input: the body is a citizen's upload.
func parse(der []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p7, err = nil, fmt.Errorf("signatures: parse: %v", r)
		}
	}()
	return pkcs7.Parse(der)
}

// publicKeyOID is the algorithm of a certificate's public key, read from
// the raw SubjectPublicKeyInfo (Go leaves GOST keys unparsed).
func publicKeyOID(c *x509.Certificate) asn1.ObjectIdentifier {
	var spki struct {
		Algorithm struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil
	}
	return spki.Algorithm.Algorithm
}
