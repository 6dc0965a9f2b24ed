// Package paging is how every listing in Kabinet pages: page sizes clamped
// to what the store serves, opaque cursors, and Collect, which filters a
// store listing into a page without reading without bound. It knows
// nothing of documents, bookings or applications: each domain's service
// calls it with its own store listing.
package paging

import (
	"encoding/base64"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Collect pages through fetch — a store listing that returns the items after
// a position and the position to continue from ("" at the end) — keeping
// the items keep accepts, until limit are kept or budget items were read.
// It returns the kept items and the id of the last item examined when it
// stopped early ("" when the listing ran out): a selective filter gets a
// short page with a cursor rather than a request that reads without bound.
// Errors: whatever fetch returns.
func Collect[T any](fetch func(after string) ([]T, string, error), id func(T) string, keep func(T) bool,
	after string, limit, budget int) ([]T, string, error) {
	var out []T
	examined := 0
	for {
		items, next, err := fetch(after)
		if err != nil {
			return nil, "", err
		}
		for _, x := range items {
			examined++
			if keep(x) {
				out = append(out, x)
			}
			if len(out) == limit || examined >= budget {
				return out, id(x), nil
			}
		}
		if next == "" {
			return out, "", nil
		}
		after = next
	}
}

// ClampLimit turns a requested page size into one the store will serve:
// 0 means the default, anything above MaxLimit is MaxLimit.
func ClampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// EncodeCursor makes a store position opaque to clients.
func EncodeCursor(after string) string {
	if after == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + after))
}

// DecodeCursor reverses EncodeCursor. Errors: Malformed (field "cursor").
func DecodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 4 || string(b[:3]) != "v1:" || len(b) > 200 {
		return "", errs.E("paging.DecodeCursor", errs.Malformed, errs.FieldError{Field: "cursor", Code: "invalid_cursor"})
	}
	return string(b[3:]), nil
}
