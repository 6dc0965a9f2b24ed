// Package errs is Kabinet's one vocabulary of failure. The domain decides the
// Kind of an error; adapters translate their own failures into a Kind (the
// DynamoDB adapter maps a dropped connection to Unavailable, a failed
// condition to Conflict or Precondition); the HTTP layer maps a Kind to a
// status and problem type in exactly one table (shared/adapter/httpapi/problem.go).
package errs

import (
	"errors"
	"fmt"
	"sort"
)

// Kind classifies an error by what the caller can do about it.
type Kind uint8

// The kinds, in the order a client is likely to meet them.
const (
	Internal             Kind = iota // a bug or an unexpected dependency answer; details only in logs
	Invalid                          // the request is well-formed but breaks a rule (422)
	Malformed                        // the request cannot be read: bad JSON, wrong types, unknown fields (400)
	TooLarge                         // the body is over the limit (413)
	UnsupportedMedia                 // the body is not JSON (415)
	Unauthorized                     // no identity or a bad token (401)
	Forbidden                        // identity known, action not allowed for its role (403)
	NotFound                         // missing, or someone else's (404)
	Conflict                         // the object's state does not allow the action (409)
	Precondition                     // If-Match does not match the current version (412)
	PreconditionRequired             // a conditional header is required and missing (428)
	Unavailable                      // a dependency is down or throttling; retry later (503)
	NotImplemented                   // the route exists but is not built yet (501)
	MethodNotAllowed                 // the path exists, the method does not (405)
)

var kindNames = [...]string{
	Internal: "internal", Invalid: "invalid", Malformed: "malformed", TooLarge: "too_large",
	UnsupportedMedia: "unsupported_media_type", Unauthorized: "unauthorized", Forbidden: "forbidden",
	NotFound: "not_found", Conflict: "conflict", Precondition: "precondition_failed",
	PreconditionRequired: "precondition_required", Unavailable: "unavailable", NotImplemented: "not_implemented",
	MethodNotAllowed: "method_not_allowed",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// FieldError names one field of a request and why it was refused. Code is a
// stable machine-readable reason ("required", "invalid_date", ...); the HTTP
// layer turns it into a message in the client's language.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// Error is a Kabinet error. Op names the operation that failed
// ("registry.CreateDocument"); Reason is a stable slug for the problem type
// when a kind has more than one cause ("version_mismatch"); Err is the cause,
// which is logged and never shown to a client.
type Error struct {
	Kind   Kind
	Op     string
	Reason string
	Fields []FieldError
	Err    error
}

func (e *Error) Error() string {
	s := e.Op
	if s != "" {
		s += ": "
	}
	s += e.Kind.String()
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Code)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error of kind k for operation op, wrapping cause (may be nil).
func E(op string, k Kind, cause error) *Error { return &Error{Kind: k, Op: op, Err: cause} }

// R builds an error of kind k with a stable reason slug.
func R(op string, k Kind, reason string) *Error { return &Error{Kind: k, Op: op, Reason: reason} }

// KindOf reports the kind of err: the kind of the outermost *Error in its
// chain, Internal for any other non-nil error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// ReasonOf reports the reason slug of the outermost *Error in err's chain.
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// Fields collects field errors for one validation pass. The zero value is
// ready; Err returns nil when nothing was added.
type Fields struct{ list []FieldError }

// Add records that field was refused for code; only the first code per field is kept.
func (f *Fields) Add(field, code string) {
	for _, x := range f.list {
		if x.Field == field {
			return
		}
	}
	f.list = append(f.list, FieldError{Field: field, Code: code})
}

// Has reports whether field already has an error, so later checks can skip it.
func (f *Fields) Has(field string) bool {
	for _, x := range f.list {
		if x.Field == field {
			return true
		}
	}
	return false
}

// Err returns an Invalid error listing the fields in a stable order, or nil.
func (f *Fields) Err(op string) error { return f.ErrKind(op, Invalid) }

// ErrKind is Err with a chosen kind (Malformed for decoding failures).
func (f *Fields) ErrKind(op string, k Kind) error {
	if len(f.list) == 0 {
		return nil
	}
	l := append([]FieldError(nil), f.list...)
	sort.SliceStable(l, func(i, j int) bool { return l[i].Field < l[j].Field })
	return &Error{Kind: k, Op: op, Fields: l}
}

// CheckVersion judges a conditional update: a client must name the version
// it read (ifMatch nil → PreconditionRequired), and it must still be the
// current one (else Precondition, reason version_mismatch).
func CheckVersion(op string, ifMatch *int, current int) error {
	switch {
	case ifMatch == nil:
		return E(op, PreconditionRequired, nil)
	case *ifMatch != current:
		return R(op, Precondition, "version_mismatch")
	}
	return nil
}
