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

// The kinds the domain decides, in the order a client is likely to meet them.
const (
	Internal             Kind = iota // a bug or an unexpected dependency answer; details only in logs
	Invalid                          // the request is well-formed but breaks a rule (422)
	Malformed                        // an input cannot be read: a cursor this API never issued, bad JSON (400)
	Unauthorized                     // no identity or a bad token (401)
	Forbidden                        // identity known, action not allowed for its role (403)
	NotFound                         // missing, or someone else's (404)
	Conflict                         // the object's state does not allow the action (409)
	Precondition                     // If-Match does not match the current version (412)
	PreconditionRequired             // a conditional update names no version (428)
	Unavailable                      // a dependency is down or throttling; retry later (503)
)

// AdapterKinds is the first Kind an adapter may declare for failures only
// it can have and the domain never decides: the HTTP adapter's transport
// kinds (a body too large, a media type it cannot read, a method a route
// does not take). Kinds below it belong to this package.
const AdapterKinds Kind = 64

var kindNames = [...]string{
	Internal: "internal", Invalid: "invalid", Malformed: "malformed", Unauthorized: "unauthorized",
	Forbidden: "forbidden", NotFound: "not_found", Conflict: "conflict", Precondition: "precondition_failed",
	PreconditionRequired: "precondition_required", Unavailable: "unavailable",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Reason is a stable slug naming the cause of an error when its kind has
// more than one ("slot_taken", "version_mismatch"). Each reason is a
// constant declared by the package that decides it (booking.ReasonSlotTaken);
// the generic ones shared by several domains are declared here. The HTTP
// adapter's problem table says, for every declared reason, whether it
// refines the problem a client sees (its own type URI and title) or stays
// internal (it steers the caller, and a client meets only its kind).
type Reason string

// Reasons shared by several domains.
const (
	// ReasonVersionMismatch: the caller named a version that is no longer
	// current (documents, profiles, contacts, applications).
	ReasonVersionMismatch Reason = "version_mismatch"
	// ReasonChanged: the object changed between the read and the write of
	// an action that named no version; reload and try again.
	ReasonChanged Reason = "changed"
	// ReasonIdempotencyKeyReused: an Idempotency-Key came back with another request.
	ReasonIdempotencyKeyReused Reason = "idempotency_key_reused"
	// ReasonStaffOnly: only staff (of an institution or an agency) may do this.
	ReasonStaffOnly Reason = "staff_only"
	// ReasonOtherInstitution: staff of another institution (booking's
	// schedules and visits, documents shared with an institution); here so
	// that sharing need not link booking for it.
	ReasonOtherInstitution Reason = "other_institution"
	// ReasonContended (Unavailable, internal): a concurrent transaction on
	// one of the same items cancelled this one before any condition was
	// judged; a caller that reads again may retry at once.
	ReasonContended Reason = "contended"
	// ReasonErasing (Conflict): the caller's account is being erased, or
	// was (package erasure): every domain's changes are refused, by the
	// one check the store puts in each change's transaction.
	ReasonErasing Reason = "erasing"
)

// FieldError names one field of a request and why it was refused. Code is a
// stable machine-readable reason ("required", "invalid_date", ...); the HTTP
// layer turns it into a message in the client's language.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// Error is a Kabinet error. Op names the operation that failed
// ("registry.CreateDocument"); Reason refines the kind; Fields name the
// refused fields of a request; Err is the cause, which is logged and never
// shown to a client. Build one with E.
type Error struct {
	Kind   Kind
	Op     string
	Reason Reason
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
		s += " (" + string(e.Reason) + ")"
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

// E is the one way to build an error: of kind k, for operation op, refined
// by details, each told apart by its type:
//
//	Reason                 the reason (the last one given counts)
//	FieldError             one refused field (in the order given)
//	[]FieldError           several
//	error                  the cause (the last one given counts; a nil error is none)
//
// errs.E(op, errs.Unavailable, err), errs.E(op, errs.Conflict,
// booking.ReasonSlotTaken), errs.E(op, errs.Invalid, errs.FieldError{Field:
// "slotId", Code: "unknown_slot"}). A detail of any other type is a bug in the
// caller: it becomes part of the cause, so it shows in the logs rather than
// vanish (TestEDetails; TestReasonsHaveProblems in the HTTP adapter refuses a
// bare string where a Reason belongs).
func E(op string, k Kind, details ...any) *Error {
	e := &Error{Kind: k, Op: op}
	var stray error
	for _, d := range details {
		switch d := d.(type) {
		case nil:
		case Reason:
			e.Reason = d
		case FieldError:
			e.Fields = append(e.Fields, d)
		case []FieldError:
			e.Fields = append(e.Fields, d...)
		case error:
			e.Err = d
		default:
			stray = errors.Join(stray, fmt.Errorf("errs.E: detail of unknown type %T: %v", d, d))
		}
	}
	if stray != nil {
		e.Err = errors.Join(e.Err, stray)
	}
	return e
}

// KindOf reports the kind of err: the kind of the outermost *Error in its
// chain, Internal for any other non-nil error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// ReasonOf reports the reason of the outermost *Error in err's chain ("" when
// it has none or err is no *Error).
func ReasonOf(err error) Reason {
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
	return E(op, k, l)
}

// CheckVersion judges a conditional update: a client must name the version
// it read (ifMatch nil → PreconditionRequired), and it must still be the
// current one (else Precondition, reason version_mismatch).
func CheckVersion(op string, ifMatch *int, current int) error {
	switch {
	case ifMatch == nil:
		return E(op, PreconditionRequired)
	case *ifMatch != current:
		return E(op, Precondition, ReasonVersionMismatch)
	}
	return nil
}
