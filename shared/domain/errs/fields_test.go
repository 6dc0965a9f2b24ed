package errs_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// TestFieldsKeepTheFirstCode: a validation pass checks a field several ways
// in order (required, then format, then range); the first refusal is the one
// the client must read, so later codes for the same field are dropped.
func TestFieldsKeepTheFirstCode(t *testing.T) {
	type add struct{ field, code string }
	for _, tc := range []struct {
		name string
		adds []add
		want []errs.FieldError
	}{
		{"nothing added", nil, nil},
		{"one code", []add{{"title", "required"}}, []errs.FieldError{{Field: "title", Code: "required"}}},
		{"second code for the same field is dropped",
			[]add{{"title", "required"}, {"title", "too_long"}},
			[]errs.FieldError{{Field: "title", Code: "required"}}},
		{"the same code twice is kept once",
			[]add{{"title", "required"}, {"title", "required"}},
			[]errs.FieldError{{Field: "title", Code: "required"}}},
		{"each field keeps its own first code, sorted by field",
			[]add{{"number", "invalid_number"}, {"expiresOn", "invalid_date"}, {"number", "required"}, {"expiresOn", "before_issue"}},
			[]errs.FieldError{{Field: "expiresOn", Code: "invalid_date"}, {Field: "number", Code: "invalid_number"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f errs.Fields
			for _, a := range tc.adds {
				f.Add(a.field, a.code)
			}
			err := f.Err("test.Op")
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Err = %v, want nil", err)
				}
				return
			}
			var e *errs.Error
			if !errors.As(err, &e) {
				t.Fatalf("Err = %v, want an *errs.Error", err)
			}
			if got, want := e.Kind, errs.Invalid; got != want {
				t.Errorf("kind = %v, want %v", got, want)
			}
			if got := e.Fields; !slices.Equal(got, tc.want) {
				t.Errorf("fields = %v, want %v", got, tc.want)
			}
			for _, w := range tc.want {
				if !f.Has(w.Field) {
					t.Errorf("Has(%q) = false, want true", w.Field)
				}
			}
		})
	}
}
