package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// MaxBody is the largest request body any route accepts.
const MaxBody = 64 << 10

// ReadBody returns the request body, refusing non-JSON media types (415)
// and bodies over MaxBody (413).
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	const op = "httpapi.readBody"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			return nil, errs.E(op, KindUnsupportedMedia, err)
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, errs.E(op, KindTooLarge, err)
	case err != nil:
		return nil, errs.E(op, errs.Malformed, err)
	case !utf8.Valid(b):
		// encoding/json would store each bad byte as U+FFFD, silently
		// changing what the person sent: refuse it instead.
		return nil, &errs.Error{Kind: errs.Malformed, Op: op, Fields: []errs.FieldError{{Field: "body", Code: "invalid_utf8"}}}
	}
	return b, nil
}

// DecodeJSON reads exactly one JSON value into v, refusing unknown fields,
// wrong types and trailing data with field-level errors. Any client-settable
// field not in v's type (owner, status, version, ...) is an unknown field.
func DecodeJSON(body []byte, v any) error {
	const op = "httpapi.decode"
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("trailing data after the JSON value")
		}
	}
	if err == nil {
		return nil
	}
	var fe errs.Fields
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		// Field is a dotted Go path; an embedded struct shows up by its type
		// name (DocumentFields.remindDays), so keep the JSON name at the end.
		field := typeErr.Field[strings.LastIndexByte(typeErr.Field, '.')+1:]
		if field == "" {
			field = "body"
		}
		fe.Add(field, "wrong_type")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		fe.Add(name, "unknown_field")
	case errors.Is(err, io.EOF):
		fe.Add("body", "required")
	default:
		fe.Add("body", "invalid_json")
	}
	e := fe.ErrKind(op, errs.Malformed).(*errs.Error)
	e.Err = err
	return e
}

// Decode reads and decodes the body of r into v.
func Decode(w http.ResponseWriter, r *http.Request, v any) ([]byte, error) {
	body, err := ReadBody(w, r)
	if err != nil {
		return nil, err
	}
	return body, DecodeJSON(body, v)
}

// Encode writes v as JSON with status.
func Encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// QueryInt reads an optional integer query parameter (0 when absent).
func QueryInt(r *http.Request, name string, fe *errs.Fields) int {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		fe.Add(name, "not_integer")
	case n < 1:
		fe.Add(name, "out_of_range")
	}
	return n
}

// IfMatch reads the version from an If-Match header ("3" or W/"3"): nil
// when absent (the service decides whether it was required), -1 when it
// cannot be read, which matches no version.
func IfMatch(r *http.Request) *int {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return nil
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || n < 0 {
		n = -1
	}
	return &n
}

// ETag is the entity tag of version (the If-Match header IfMatch reads).
func ETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ListResponse is a page of a list: its items and the cursor of the next
// page ("" on the last).
type ListResponse[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// IdempotencyKey reads the optional Idempotency-Key header. The body's hash
// tells a retry (same body) from a reuse of the key for something else.
func IdempotencyKey(r *http.Request, body []byte, now time.Time) (*idempotency.Key, error) {
	k := r.Header.Get("Idempotency-Key")
	if k == "" {
		return nil, nil
	}
	if len(k) > 128 || !printableASCII(k) {
		return nil, errs.E("httpapi.idempotencyKey", errs.Malformed, errs.FieldError{Field: "Idempotency-Key", Code: "invalid_header"})
	}
	sum := sha256.Sum256(body)
	return &idempotency.Key{Key: k, Hash: hex.EncodeToString(sum[:]), Expires: now.Add(idempotency.TTL)}, nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
