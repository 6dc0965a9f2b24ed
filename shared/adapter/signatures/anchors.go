package signatures

import (
	"context"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
)

// Bundle refreshing: a bundle read is trusted for AnchorsRefresh; after a
// failed refresh the bundle in hand is kept and the next read tried after
// anchorsRetry, so an S3 hiccup never stops signatures from being checked.
const (
	AnchorsRefresh = 15 * time.Minute
	anchorsRetry   = time.Minute
)

// Anchors is a verifier whose trust anchors are a bundle kept outside the
// function (an S3 object: a bundle of accredited CAs outgrows Lambda's 4 KB
// of environment), read on the first signature check rather than at start,
// so a function that checks none never reads it, and read again every
// AnchorsRefresh, so a bundle changed in place is picked up without a
// deployment.
type Anchors struct {
	// Load reads the PEM bundle (the composition gives it the object).
	Load func(ctx context.Context) ([]byte, error)
	// Clock is the process's wall clock (time.Now when nil).
	Clock func() time.Time

	mu    sync.Mutex
	v     *Verifier // nil until a bundle was read
	fresh time.Time // until when v is used without reading again
}

var _ files.SignatureVerifier = (*Anchors)(nil)

// Verify implements files.SignatureVerifier against the bundle read last.
// Errors: Unavailable (no bundle could be read yet, or none holding a
// certificate), Internal.
func (a *Anchors) Verify(ctx context.Context, content, signature []byte, now time.Time) (files.Verification, error) {
	v, err := a.current(ctx)
	if err != nil {
		return files.Verification{}, err
	}
	return v.Verify(ctx, content, signature, now)
}

// current is the verifier of the bundle, reading it when there is none
// yet or it is due a refresh.
func (a *Anchors) current(ctx context.Context) (*Verifier, error) {
	clock := a.Clock
	if clock == nil {
		clock = time.Now
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := clock()
	if a.v != nil && now.Before(a.fresh) {
		return a.v, nil
	}
	pem, err := a.Load(ctx)
	var v *Verifier
	if err == nil {
		v, err = New(pem)
	}
	switch {
	case err == nil:
		a.v, a.fresh = v, now.Add(AnchorsRefresh)
		return v, nil
	case a.v != nil:
		a.fresh = now.Add(anchorsRetry) // keep the bundle in hand
		return a.v, nil
	}
	return nil, errs.E("signatures.Anchors", errs.Unavailable, err)
}
