package httpapi

import (
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Limits on what a path parameter or a cursor may be before any store call:
// DynamoDB refuses keys over 1,024 (sort) or 2,048 (partition) bytes with
// a ValidationException, which would surface as a 500. Every id Kabinet
// issues (UUIDs, directory ids such as inst-kgd-01, organisation ids) fits
// maxParam characters of paramAlphabet; anything else names nothing that
// exists, so it is answered as a missing object (404), exactly like one.
const (
	maxParam  = 128
	maxCursor = 1024
)

var (
	paramPattern  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._:-]+$`) })
	cursorPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]+$`) })
)

// paramNames lists the {name} wildcards of a route pattern.
func paramNames(pattern string) []string {
	var out []string
	for rest := pattern; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, strings.TrimSuffix(rest[i+1:i+j], "..."))
		rest = rest[i+j+1:]
	}
}

// checkInput refuses, before the handler (and so before any store call), a
// path parameter that cannot be an id (404 not-found) and a cursor that
// cannot be one Kabinet issued (400 cursor:invalid_cursor): too long, not
// base64url, or, with sealed cursors (sealer not nil), not sealed for this
// caller and query.
func checkInput(pattern string, sealer *cursorSealer, next http.Handler) http.Handler {
	names := paramNames(pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, n := range names {
			if v := r.PathValue(n); len(v) == 0 || len(v) > maxParam || !paramPattern().MatchString(v) {
				writeError(w, r, errs.E("httpapi.checkInput", errs.NotFound))
				return
			}
		}
		bad := errs.E("httpapi.checkInput", errs.Malformed, errs.FieldError{Field: "cursor", Code: "invalid_cursor"})
		if q := r.URL.Query(); q.Has("cursor") {
			if c := q.Get("cursor"); len(c) > maxCursor || (c != "" && !cursorPattern().MatchString(c)) {
				writeError(w, r, bad)
				return
			}
		}
		if sealer != nil {
			var ok bool
			if r, ok = openCursor(sealer, pattern, r); !ok {
				writeError(w, r, bad)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
