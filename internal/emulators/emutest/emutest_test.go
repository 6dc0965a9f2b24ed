package emutest_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/internal/emulators/emutest"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestChildNeed is run by the tests below in a child process, where the
// tools are hidden; in a normal run it does nothing.
func TestChildNeed(t *testing.T) {
	if os.Getenv("EMUTEST_CHILD") != "1" {
		t.Skip("runs only as a child of TestMainWithoutTools")
	}
	emutest.Need(t)
	t.Fatal("Need returned although the tools are missing")
}

// child runs this test binary's TestChildNeed with KABINET_TOOLS pointing at
// an empty directory, plus env and args.
func child(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestChildNeed$", "-test.v"}, args...)...)
	cmd.Env = append(os.Environ(), "EMUTEST_CHILD=1", "KABINET_TOOLS="+t.TempDir(), emutest.RequireEnv+"=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		t.Fatalf("run child: %v", err)
		return "", -1
	}
}

func TestMainWithoutToolsSkips(t *testing.T) {
	t.Parallel()
	out, code := child(t, nil)
	if code != 0 {
		t.Fatalf("child exit %d, want 0:\n%s", code, out)
	}
	for _, want := range []string{
		"integration tests skipped: emulators:", // printed by Main
		"make tools",
		"--- SKIP: TestChildNeed", // Need skipped
	} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

func TestMainWithoutToolsFailsWhenRequired(t *testing.T) {
	t.Parallel()
	out, code := child(t, []string{emutest.RequireEnv + "=1"})
	if code != 1 {
		t.Fatalf("child exit %d, want 1:\n%s", code, out)
	}
	if !strings.Contains(out, "integration tests need the emulators") || strings.Contains(out, "=== RUN") {
		t.Errorf("child should explain and run no test:\n%s", out)
	}
}

func TestMainShortSkips(t *testing.T) {
	t.Parallel()
	out, code := child(t, nil, "-test.short")
	if code != 0 || !strings.Contains(out, "--- SKIP: TestChildNeed") || !strings.Contains(out, "-short") {
		t.Errorf("child exit %d, want 0 and a -short skip:\n%s", code, out)
	}
}
