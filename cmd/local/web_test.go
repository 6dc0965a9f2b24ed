package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMountWeb(t *testing.T) {
	dist := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dist, "assets"), 0o755))
	must(os.WriteFile(filepath.Join(dist, "index.html"), []byte("<!doctype html><title>Кабинет</title>"), 0o644))
	must(os.WriteFile(filepath.Join(dist, "assets", "app-1a2b.js"), []byte("console.log(1)"), 0o644))
	must(os.WriteFile(filepath.Join(dist, "favicon.svg"), []byte("<svg/>"), 0o644))

	api := http.NewServeMux()
	api.HandleFunc("GET /documents", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "api") })
	must(mountWeb(api, dist, "http://127.0.0.1:9000"))
	srv := httptest.NewServer(api)
	defer srv.Close()

	tests := []struct {
		path, wantStatus, wantBody, wantCache, wantType string
	}{
		{"/", "200", "Кабинет", "no-cache", "text/html"},
		{"/assets/app-1a2b.js", "200", "console.log", "immutable", "javascript"},
		{"/favicon.svg", "200", "<svg/>", "no-cache", "image/svg+xml"},
		{"/config.json", "200", `"auth":"dev"`, "no-cache", "application/json"},
		{"/documents", "200", "api", "", ""},      // the API keeps its paths
		{"/assets/missing.js", "404", "", "", ""}, // no index.html fallback for files
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Get(srv.URL + tt.path)
			must(err)
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if got := res.Status[:3]; got != tt.wantStatus {
				t.Fatalf("status %s, want %s", res.Status, tt.wantStatus)
			}
			if !strings.Contains(string(b), tt.wantBody) {
				t.Errorf("body %q, want it to contain %q", b, tt.wantBody)
			}
			if !strings.Contains(res.Header.Get("Cache-Control"), tt.wantCache) {
				t.Errorf("Cache-Control %q, want %q", res.Header.Get("Cache-Control"), tt.wantCache)
			}
			if !strings.Contains(res.Header.Get("Content-Type"), tt.wantType) {
				t.Errorf("Content-Type %q, want %q", res.Header.Get("Content-Type"), tt.wantType)
			}
		})
	}
	res, err := http.Get(srv.URL + "/")
	must(err)
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") ||
		!strings.Contains(csp, "connect-src 'self' http://127.0.0.1:9000;") {
		t.Errorf("index CSP = %q", csp)
	}
}

func TestMountWebWithoutBuild(t *testing.T) {
	mux := http.NewServeMux()
	if err := mountWeb(mux, filepath.Join(t.TempDir(), "nothing"), ""); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "make web") {
		t.Errorf("without a build: %d %q", rec.Code, rec.Body)
	}
}
