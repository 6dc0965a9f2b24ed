package ticket

import (
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/qrpng"
)

// Reasons the ticket signer decides (errs.Reason). All are internal: the
// callers (check-in, the local runner's key set-up) act on them, and a client
// meets only their kind.
const (
	// ReasonBadKey (Internal): the signing key is not an Ed25519 key.
	ReasonBadKey errs.Reason = "bad_key"
	// ReasonMalformedPayload (Invalid): the text is not a KB1 payload.
	ReasonMalformedPayload errs.Reason = "malformed_payload"
	// ReasonBadSignature (Invalid): the signature does not verify.
	ReasonBadSignature errs.Reason = "bad_signature"
	// ReasonEmptyPayload (Internal): nothing to encode in a QR code
	// (qrpng's).
	ReasonEmptyPayload = qrpng.ReasonEmptyPayload
	// ReasonQRTooLarge (Invalid): the payload does not fit a QR code
	// (qrpng's).
	ReasonQRTooLarge = qrpng.ReasonQRTooLarge
	// ReasonBadSeed (Invalid): TICKET_SIGNING_SEED is not a valid seed.
	ReasonBadSeed errs.Reason = "bad_seed"
	// ReasonBadKeyRing (Invalid): the key ring's JSON is not usable.
	ReasonBadKeyRing errs.Reason = "bad_key_ring"
	// ReasonUnknownKey (Invalid): the payload names a key the verifier
	// does not hold (retired after a rotation, or never Kabinet's).
	ReasonUnknownKey errs.Reason = "unknown_key"
)
