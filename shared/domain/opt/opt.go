// Package opt tells apart the three states a JSON field of a partial update
// can be in: absent (leave it), null (clear it) and a value (set it). PATCH
// bodies and "expiresOn": null (an indefinite document) need all three.
package opt

import "encoding/json"

// Value is a field that may be absent, null or set. The zero Value is absent.
type Value[T any] struct {
	Set  bool // the field was present in the body
	Null bool // it was present and null
	V    T    // its value when Set && !Null
}

// Of returns a Value set to v.
func Of[T any](v T) Value[T] { return Value[T]{Set: true, V: v} }

// Null returns a Value that is present and null.
func Null[T any]() Value[T] { return Value[T]{Set: true, Null: true} }

// UnmarshalJSON is only called for present fields, which is what makes Set work.
func (v *Value[T]) UnmarshalJSON(b []byte) error {
	v.Set = true
	if string(b) == "null" {
		v.Null = true
		var zero T
		v.V = zero
		return nil
	}
	v.Null = false
	return json.Unmarshal(b, &v.V)
}

// MarshalJSON writes null for an absent or null Value.
func (v Value[T]) MarshalJSON() ([]byte, error) {
	if !v.Set || v.Null {
		return []byte("null"), nil
	}
	return json.Marshal(v.V)
}

// Ptr returns nil for absent or null, else a pointer to the value.
func (v Value[T]) Ptr() *T {
	if !v.Set || v.Null {
		return nil
	}
	x := v.V
	return &x
}
