//go:build unix

package lambdarun

import (
	"errors"
	"syscall"
	"testing"
)

// assertGone checks that the function process pid no longer exists.
func assertGone(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("bad pid %d", pid)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("function process %d still exists after Run: kill 0 = %v", pid, err)
	}
}
