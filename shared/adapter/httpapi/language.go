package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Profiles tells a handler the caller's language when the request names
// none: what downloads (PDF, ICS, CSV) and booking checklists are written
// in. The registry's store implements it. It is here, in the core, because
// the booking and orgs functions' handler packages both use it.
type Profiles interface {
	// GetProfile returns owner's profile; Version 0 when none was saved.
	// Errors: Unavailable, Internal.
	GetProfile(ctx context.Context, owner string) (registry.Profile, error)
}

// requestedLanguage is the language Accept-Language asks for, "ru" or "en"
// by quality, and whether it names one of them.
func requestedLanguage(r *http.Request) (string, bool) {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(params)), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if (base == "ru" || base == "en") && q > bestQ && q > 0 {
			best, bestQ = base, q
		}
	}
	return best, best != ""
}

// Language picks "ru" or "en" from Accept-Language by quality, English when
// neither is asked for. Problem details use it: they are for whoever made
// the request, and need no read to be written.
func Language(r *http.Request) string {
	if l, ok := requestedLanguage(r); ok {
		return l
	}
	return "en"
}

// readerLanguageKey holds the waiter WithReaderLanguage started.
type readerLanguageKey struct{}

// WithReaderLanguage wraps a route whose answer is written for the caller
// to read — a download, a booking with its checklist — so that it is in
// the caller's language: the one the request asks for, else the profile's
// (Russian for someone who never saved one). The profile is read at once,
// alongside the route's own first reads, so it costs no round trip of its
// own; ReaderLanguage waits for it where the text is written. profiles nil
// reads nothing and gives the default. A handler package wraps its own
// routes with it (httpapi/booking, httpapi/orgs).
func WithReaderLanguage(profiles Profiles, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := requestedLanguage(r); !ok {
			if id, ok := IdentityFrom(r.Context()); ok && profiles != nil {
				ch := make(chan string, 1) // buffered: the read never waits for a reader that left
				ctx := r.Context()
				go func() { ch <- profileLanguage(ctx, profiles, id.Sub) }()
				wait := sync.OnceValue(func() string { return <-ch })
				r = r.WithContext(context.WithValue(ctx, readerLanguageKey{}, wait))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// profileLanguage is sub's profile language, the default when none is
// saved. A profile that cannot be read gives the default too, logged: the
// language is no reason to fail an answer that is otherwise ready (a
// booking already made).
func profileLanguage(ctx context.Context, profiles Profiles, sub string) string {
	p, err := profiles.GetProfile(ctx, sub)
	if err != nil {
		Logger(ctx).Warn("reader language: profile not read; the default language is used", "err", err.Error())
		return registry.DefaultLanguage
	}
	if p.Language == "ru" || p.Language == "en" {
		return p.Language
	}
	return registry.DefaultLanguage
}

// ReaderLanguage is the language to write r's answer in: the one the
// request asks for, else the caller's profile's (WithReaderLanguage), else
// the default, Russian. Any handler may call it; it waits for the profile
// read WithReaderLanguage started, if any.
func ReaderLanguage(r *http.Request) string {
	if l, ok := requestedLanguage(r); ok {
		return l
	}
	if wait, ok := r.Context().Value(readerLanguageKey{}).(func() string); ok {
		return wait()
	}
	return registry.DefaultLanguage
}
