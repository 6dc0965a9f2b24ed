package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
)

// webConfig is what the web cabinet reads from /config.json at start-up:
// locally it calls the API on its own origin and signs in with /dev/token.
// In AWS the CDK stack writes the same file next to the app with the API's
// URL and the Cognito hosted UI (infra/stack/web.go).
const webConfig = `{"apiBase":"","auth":"dev"}`

// mountWeb serves the built web cabinet (web/dist, from `make web`) at / and
// its files at their top-level names and under /assets/. The API owns every
// other path: the app routes with the URL's fragment (/#/documents), so no
// client-side route shadows an API route. Without a build, / says how to
// make one. filesOrigin is the local S3's origin, which the app puts files
// to and reads them from with presigned URLs.
func mountWeb(mux *http.ServeMux, dist, filesOrigin string) error {
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		fmt.Fprint(w, webConfig)
	})
	entries, err := os.ReadDir(dist)
	if os.IsNotExist(err) {
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "The web cabinet is not built: run `make web` (make run does it), then reload.")
		})
		return nil
	}
	if err != nil {
		return fmt.Errorf("web cabinet: %w", err)
	}
	files := http.FileServerFS(os.DirFS(dist))
	csp := webCSP(filesOrigin)
	static := func(cache string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Cache-Control", cache)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Content-Security-Policy", csp)
			files.ServeHTTP(w, r)
		})
	}
	// index.html and the other top-level files are revalidated on every
	// load; Vite names what is under assets/ by content hash, so it is
	// immutable.
	mux.Handle("GET /{$}", static("no-cache"))
	mux.Handle("GET /assets/", static("public, max-age=31536000, immutable"))
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != "index.html" && e.Name() != "config.json" {
			mux.Handle("GET /"+e.Name(), static("no-cache"))
		}
	}
	return nil
}

// webCSP lets the app load only its own code and call only its own origin
// and the files' S3 (presigned uploads, and the downloads it shows as
// thumbnails); blob: and data: images are the booking QR codes and the
// thumbnails it fetches.
func webCSP(filesOrigin string) string {
	return "default-src 'self'; img-src 'self' blob: data:; connect-src 'self' " + filesOrigin + "; " +
		"object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
}

// webDist is the folder `make web` builds into.
func webDist(root string) string { return filepath.Join(root, "web", "dist") }
