package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// Idempotency-Key claims. A key is one person's, per kind of create: its
// scope, which each domain's store names (docstore's "documents", ...). A create claims its key in the same transaction
// that writes what it creates, so there is no in-progress state to expire
// or clean up: either both are written or neither is, and a failed request
// leaves the key free for the retry. The claim remembers the request's hash
// (the same key with another body is refused) and what it created (a retry
// gets it back). It counts until expiresAt; TTL removes it later.
type idemItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Kind      string `dynamodbav:"kind"`
	Hash      string `dynamodbav:"hash"`
	Result    string `dynamodbav:"result"`
	ExpiresAt int64  `dynamodbav:"expiresAt"` // epoch seconds, the TTL attribute
}

// ClaimIdem adds to t the item that claims idem for owner in scope, naming
// result as what the request creates; its condition failing is
// failClaimed. An expired claim may linger until TTL removes it; it no
// longer counts.
func (s *Store) ClaimIdem(t *Tx, scope, owner string, idem *idempotency.Key, result string) {
	t.Put(idemItem{PK: UserPK(owner), SK: idemSK(scope, idem.Key), Kind: kindIdemClaim,
		Hash: idem.Hash, Result: result, ExpiresAt: idem.Expires.Unix()},
		"attribute_not_exists(pk) OR expiresAt < :now", map[string]types.AttributeValue{":now": Num(s.Time().Unix())}, FailClaimed)
}

// Claimed reads owner's live claim of idem in scope: ok is false when there
// is none (or it expired); result is what the first request created.
// Errors: Invalid (reason idempotency_key_reused) when the key was used for
// another request; Unavailable, Internal.
func (s *Store) Claimed(ctx context.Context, op, scope, owner string, idem *idempotency.Key) (result string, ok bool, err error) {
	var claim idemItem
	err = s.Get(ctx, op, UserPK(owner), idemSK(scope, idem.Key), &claim)
	switch {
	case errs.Is(err, errs.NotFound):
		return "", false, nil
	case err != nil:
		return "", false, err
	case claim.ExpiresAt < s.Time().Unix():
		return "", false, nil
	case claim.Hash != idem.Hash:
		return "", false, errs.E(op, errs.Invalid, errs.ReasonIdempotencyKeyReused)
	}
	return claim.Result, true, nil
}
