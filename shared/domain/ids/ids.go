// Package ids makes identifiers: UUIDv7, so ids sort by creation time and a
// document's history reads newest first straight from the table's sort key.
package ids

import "github.com/google/uuid"

// New returns a new time-ordered id.
func New() string { return uuid.Must(uuid.NewV7()).String() }
