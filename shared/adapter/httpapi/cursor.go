package httpapi

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
)

// Cursors reach clients sealed: AES-256-GCM of the domain's or the store's
// own cursor (which holds storage positions such as USER#<sub>), with the
// caller, the route and the query as associated data. So a client learns
// nothing from a cursor, cannot make or change one, and cannot use one
// issued to someone else or for another query: any of that is 400
// cursor:invalid_cursor, the same answer as for garbage. The key comes from
// the stack (CURSOR_KEY); locally the runner keeps one in .local/keys.
// With no key (API.CursorKey nil) cursors pass through as the domain made
// them.

// CursorKeySize is the size of Deps.CursorKey.
const CursorKeySize = 32

type cursorSealer struct{ aead cipher.AEAD }

func newCursorSealer(key []byte) (*cursorSealer, error) {
	if len(key) != CursorKeySize {
		return nil, errors.New("cursor key: want 32 bytes")
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	return &cursorSealer{aead: g}, nil
}

// cursorBinding is what a cursor is bound to: the caller, the route and the
// query without its cursor and page size (a client may change the size
// between pages, nothing else).
func cursorBinding(sub, pattern string, r *http.Request) []byte {
	q := url.Values{}
	for k, v := range r.URL.Query() {
		if k != "cursor" && k != "limit" {
			q[k] = v
		}
	}
	q.Set("\x00path", r.URL.Path)
	return []byte(sub + "\x00" + pattern + "\x00" + q.Encode())
}

func (c *cursorSealer) seal(binding []byte, inner string) string {
	if inner == "" {
		return ""
	}
	nonce := make([]byte, c.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(c.aead.Seal(nonce, nonce, []byte(inner), binding))
}

// open returns the inner cursor, ok false for anything this key did not
// seal for binding.
func (c *cursorSealer) open(binding []byte, sealed string) (string, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(sealed)
	if err != nil || len(b) < c.aead.NonceSize()+c.aead.Overhead() {
		return "", false
	}
	n := c.aead.NonceSize()
	inner, err := c.aead.Open(nil, b[:n], b[n:], binding)
	if err != nil {
		return "", false
	}
	return string(inner), true
}

type cursorSealKey struct{}

// NextCursor is the cursor a handler returns to its caller: sealed for
// this request's caller and query when the API seals cursors.
func NextCursor(r *http.Request, inner string) string {
	if f, ok := r.Context().Value(cursorSealKey{}).(func(string) string); ok {
		return f(inner)
	}
	return inner
}

// openCursor replaces r's sealed cursor by the inner one and arranges for
// NextCursor to seal; ok false when the cursor is not one sealed for this
// caller and query.
func openCursor(s *cursorSealer, pattern string, r *http.Request) (*http.Request, bool) {
	sub := ""
	if id, ok := IdentityFrom(r.Context()); ok {
		sub = id.Sub
	}
	binding := cursorBinding(sub, pattern, r)
	q := r.URL.Query()
	if c := q.Get("cursor"); c != "" {
		inner, ok := s.open(binding, c)
		if !ok {
			return r, false
		}
		q.Set("cursor", inner)
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		r = r2
	}
	ctx := context.WithValue(r.Context(), cursorSealKey{}, func(inner string) string { return s.seal(binding, inner) })
	return r.WithContext(ctx), true
}
