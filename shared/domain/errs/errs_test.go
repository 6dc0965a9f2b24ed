package errs_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  *errs.Error
		want string
	}{
		{"kind only", errs.E("", errs.NotFound), "not_found"},
		{"op and kind", errs.E("store.GetDocument", errs.NotFound), "store.GetDocument: not_found"},
		{"reason", errs.E("booking.Book", errs.Conflict, errs.Reason("slot_taken")), "booking.Book: conflict (slot_taken)"},
		{"fields in the order given", errs.E("op", errs.Invalid, errs.FieldError{Field: "b", Code: "required"}, errs.FieldError{Field: "a", Code: "too_long"}),
			"op: invalid [b: required] [a: too_long]"},
		{"cause last", errs.E("op", errs.Unavailable, io.ErrUnexpectedEOF), "op: unavailable: unexpected EOF"},
		{"everything", errs.E("op", errs.Conflict, errs.ReasonChanged, errs.FieldError{Field: "x", Code: "y"}, io.EOF),
			"op: conflict (changed) [x: y]: EOF"},
		{"an adapter's kind", errs.E("op", errs.AdapterKinds+1), "op: kind(65)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestEDetails: E tells its details apart by type; the last reason and cause
// count, fields accumulate, nil is nothing, and a detail of another type (a
// bare string where a Reason belongs) is kept in the cause, never dropped.
func TestEDetails(t *testing.T) {
	cause := errors.New("boom")
	t.Run("reason, fields, cause", func(t *testing.T) {
		e := errs.E("op", errs.Invalid, errs.Reason("first"), errs.FieldError{Field: "a", Code: "x"},
			[]errs.FieldError{{Field: "b", Code: "y"}, {Field: "c", Code: "z"}}, errs.Reason("second"), nil, cause)
		if e.Kind != errs.Invalid || e.Op != "op" {
			t.Errorf("kind, op = %v, %q", e.Kind, e.Op)
		}
		if got, want := e.Reason, errs.Reason("second"); got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		if got, want := e.Fields, []errs.FieldError{{Field: "a", Code: "x"}, {Field: "b", Code: "y"}, {Field: "c", Code: "z"}}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		if e.Err != cause {
			t.Errorf("cause = %v, want %v", e.Err, cause)
		}
	})
	t.Run("a nil error is no cause", func(t *testing.T) {
		var none error
		if e := errs.E("op", errs.NotFound, none); e.Err != nil {
			t.Errorf("cause = %v, want nil", e.Err)
		}
	})
	t.Run("a detail of another type is kept in the cause", func(t *testing.T) {
		e := errs.E("op", errs.Conflict, "slot_taken", cause)
		if e.Reason != "" {
			t.Errorf("a bare string became reason %q", e.Reason)
		}
		if e.Err == nil || !strings.Contains(e.Err.Error(), "string") || !strings.Contains(e.Err.Error(), "slot_taken") {
			t.Errorf("cause = %v, want one naming the stray detail", e.Err)
		}
		// The stray detail came before the cause, which still counts.
		if got := errs.E("op", errs.Conflict, 42); !strings.Contains(got.Error(), "int") {
			t.Errorf("Error() = %q, want the stray int named", got.Error())
		}
	})
}

// TestKindAndReasonThroughWrapping: KindOf and ReasonOf look through any
// wrapping to the outermost *Error; an error that is no *Error is Internal.
func TestKindAndReasonThroughWrapping(t *testing.T) {
	inner := errs.E("store.Book", errs.Conflict, errs.Reason("slot_taken"))
	for _, tc := range []struct {
		name       string
		err        error
		wantKind   errs.Kind
		wantReason errs.Reason
		isConflict bool
	}{
		{"nil", nil, errs.Internal, "", false},
		{"plain error", io.EOF, errs.Internal, "", false},
		{"an Error", inner, errs.Conflict, "slot_taken", true},
		{"wrapped with %w", fmt.Errorf("booking: %w", inner), errs.Conflict, "slot_taken", true},
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", inner)), errs.Conflict, "slot_taken", true},
		{"joined", errors.Join(io.EOF, inner), errs.Conflict, "slot_taken", true},
		{"the outermost Error counts", errs.E("booking.Book", errs.Unavailable, inner), errs.Unavailable, "", false},
		{"an outer Error with its own reason", errs.E("x", errs.Conflict, errs.Reason("changed"), inner), errs.Conflict, "changed", true},
		{"with %v the chain is cut", fmt.Errorf("x: %v", inner), errs.Internal, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := errs.KindOf(tc.err); got != tc.wantKind {
				t.Errorf("KindOf = %v, want %v", got, tc.wantKind)
			}
			if got := errs.ReasonOf(tc.err); got != tc.wantReason {
				t.Errorf("ReasonOf = %q, want %q", got, tc.wantReason)
			}
			if got := errs.Is(tc.err, errs.Conflict); got != tc.isConflict {
				t.Errorf("Is(Conflict) = %v, want %v", got, tc.isConflict)
			}
		})
	}
	if errs.Is(nil, errs.Internal) {
		t.Error("Is(nil, Internal) = true: nil is no error of any kind")
	}
}

func TestFields(t *testing.T) {
	t.Run("the zero value has no error", func(t *testing.T) {
		var f errs.Fields
		if err := f.Err("op"); err != nil {
			t.Errorf("Err = %v, want nil", err)
		}
		if err := f.ErrKind("op", errs.Malformed); err != nil {
			t.Errorf("ErrKind = %v, want nil", err)
		}
		if f.Has("a") {
			t.Error("Has(a) on an empty set")
		}
	})
	t.Run("one code per field, the first wins; Err sorts by field, stably", func(t *testing.T) {
		var f errs.Fields
		f.Add("title", "too_long")
		f.Add("expiresOn", "invalid_date")
		f.Add("title", "required") // later check of the same field: dropped
		f.Add("expiresOn", "before_issued")
		f.Add("body", "invalid_json")
		if !f.Has("title") || !f.Has("expiresOn") || f.Has("number") {
			t.Errorf("Has: title %v, expiresOn %v, number %v", f.Has("title"), f.Has("expiresOn"), f.Has("number"))
		}
		var e *errs.Error
		if !errors.As(f.Err("registry.CreateDocument"), &e) {
			t.Fatal("Err is no *errs.Error")
		}
		if e.Kind != errs.Invalid || e.Op != "registry.CreateDocument" || e.Reason != "" {
			t.Errorf("Err = %v", e)
		}
		want := []errs.FieldError{{Field: "body", Code: "invalid_json"}, {Field: "expiresOn", Code: "invalid_date"}, {Field: "title", Code: "too_long"}}
		if !slices.Equal(e.Fields, want) {
			t.Errorf("fields = %v, want %v", e.Fields, want)
		}
		// Err hands out a copy: sorting it did not reorder the collector,
		// and a second call is the same.
		var again *errs.Error
		errors.As(f.Err("op"), &again)
		if !slices.Equal(again.Fields, want) {
			t.Errorf("second Err fields = %v, want %v", again.Fields, want)
		}
		again.Fields[0].Code = "changed"
		errors.As(f.Err("op"), &again)
		if again.Fields[0].Code != "invalid_json" {
			t.Error("changing one Err's fields changed the next one's")
		}
	})
	t.Run("ErrKind chooses the kind", func(t *testing.T) {
		var f errs.Fields
		f.Add("cursor", "invalid_cursor")
		err := f.ErrKind("httpapi.listDocuments", errs.Malformed)
		if got := errs.KindOf(err); got != errs.Malformed {
			t.Errorf("kind = %v, want malformed", got)
		}
		if got, want := err.Error(), "httpapi.listDocuments: malformed [cursor: invalid_cursor]"; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	})
}

func TestCheckVersion(t *testing.T) {
	v := func(n int) *int { return &n }
	for _, tc := range []struct {
		name       string
		ifMatch    *int
		wantKind   errs.Kind
		wantReason errs.Reason
		wantNil    bool
	}{
		{"no version named", nil, errs.PreconditionRequired, "", false},
		{"stale", v(2), errs.Precondition, errs.ReasonVersionMismatch, false},
		{"current", v(3), 0, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := errs.CheckVersion("op", tc.ifMatch, 3)
			if tc.wantNil {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if errs.KindOf(err) != tc.wantKind || errs.ReasonOf(err) != tc.wantReason {
				t.Errorf("err = %v, want %v (%s)", err, tc.wantKind, tc.wantReason)
			}
		})
	}
}
