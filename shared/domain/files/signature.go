package files

import (
	"context"
	"time"
)

// Result is the outcome of checking a detached signature.
type Result string

// The results. Only Valid means the signature gives the file legal force;
// every other one is shown to the person with its reason.
const (
	// Valid: the signature covers exactly the stored bytes, its signer's
	// certificate chains to a trust anchor and was valid at signing time.
	Valid Result = "valid"
	// Invalid: not CMS, not detached, or over other bytes (Reason says which).
	Invalid Result = "invalid"
	// UntrustedSigner: the chain does not reach a configured trust anchor.
	UntrustedSigner Result = "untrusted_signer"
	// ExpiredCertificate: a certificate of the chain was not valid when signing.
	ExpiredCertificate Result = "expired_certificate"
	// UnsupportedAlgorithm: the signature uses an algorithm this verifier
	// cannot check (GOST R 34.10-2012 with no GOST verifier configured). It
	// is never reported as valid.
	UnsupportedAlgorithm Result = "unsupported_algorithm"
)

// Reasons an Invalid or UnsupportedAlgorithm result gives.
const (
	ReasonNotCMS         = "not_cms"          // the body does not parse as CMS SignedData
	ReasonNotDetached    = "not_detached"     // the signature embeds content
	ReasonNoSigner       = "no_signer"        // no signer info or certificate
	ReasonDigestMismatch = "digest_mismatch"  // signed over other bytes
	ReasonBadSignature   = "bad_signature"    // the signer's signature does not verify
	ReasonGOST           = "gost_unsupported" // GOST R 34.10-2012 / 34.11-2012
	ReasonAlgorithm      = "algorithm_unsupported"
)

// Signer names who signed, from the signer's certificate.
type Signer struct {
	Subject      string
	Issuer       string
	SerialNumber string
	NotBefore    time.Time
	NotAfter     time.Time
}

// Verification is one signature's check, as kept on the file and shown.
type Verification struct {
	Result     Result
	Reason     string
	Signer     *Signer
	SignedAt   *time.Time // the signing-time attribute, when present
	VerifiedAt time.Time
}

// SignatureVerifier checks a detached CMS/PKCS#7 signature over content.
// It is a port so a GOST-capable implementation can stand in.
type SignatureVerifier interface {
	// Verify never fails for a bad signature: that is a Result. now is the
	// time to check validity at when the signature carries no signing time.
	// Errors: Unavailable (its trust anchors cannot be read), Internal
	// (the verifier itself broke).
	Verify(ctx context.Context, content, signature []byte, now time.Time) (Verification, error)
}
