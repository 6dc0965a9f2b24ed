// Package ids makes identifiers: UUIDv7, so ids sort by creation time and a
// document's history reads newest first straight from the table's sort key.
// It also says which strings can be a person's id.
package ids

import (
	"regexp"
	"sync"

	"github.com/google/uuid"
)

// New returns a new time-ordered id.
func New() string { return uuid.Must(uuid.NewV7()).String() }

// The pattern is compiled on first use, not at package init: every
// function binary links this package, and compiling it (the counted
// repetition {1,128} alone expands to hundreds of instructions) would add to
// every cold start, including those of functions that never validate input.
var subject = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._@-]{1,128}$`) })

// ValidSubject reports whether s can be a person's id (a token's sub, an
// agency event's citizenId): it becomes part of storage keys, so only a
// short, plain alphabet is taken.
func ValidSubject(s string) bool { return subject().MatchString(s) }
