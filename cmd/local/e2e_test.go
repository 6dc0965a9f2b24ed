package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kabinet/kabinet/internal/emulators"
)

// chromium is where Debian's chromium package puts the browser; the browser
// tests drive it with playwright-core and never download one.
const chromium = "/usr/bin/chromium"

// TestWebCabinetInChromium runs the web cabinet's browser tests (web/e2e,
// `npm run e2e`) against the whole local system, as `make run` starts it.
// It needs the app built (`make web`) and Chromium; without Chromium it
// skips with the reason unless KABINET_REQUIRE_CHROMIUM=1 (make test-e2e, and
// .ci/run, which installs it). Screenshots go to web/e2e-screenshots/.
func TestWebCabinetInChromium(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("KABINET_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("%s: %v (apt-get install chromium)", chromium, err)
		}
		t.Skipf("browser tests skipped: no Chromium at %s (apt-get install chromium; make test-e2e requires it)", chromium)
	}
	root, err := emulators.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	web := filepath.Join(root, "web")
	for _, need := range []string{"dist/index.html", "node_modules/playwright-core"} {
		if _, err := os.Stat(filepath.Join(web, need)); err != nil {
			t.Fatalf("web/%s missing: run make web first (%v)", need, err)
		}
	}
	base, _, stop := startLocal(t, false)

	cmd := exec.Command("npm", "run", "--silent", "e2e")
	cmd.Dir = web
	cmd.Env = append(os.Environ(), "BASE_URL="+base, "SCREENSHOT_DIR="+filepath.Join(web, "e2e-screenshots"))
	out, err := cmd.CombinedOutput()
	t.Logf("npm run e2e:\n%s", out)
	if err != nil {
		t.Fatalf("browser tests failed: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
