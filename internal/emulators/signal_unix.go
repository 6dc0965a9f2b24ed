//go:build unix

package emulators

import (
	"errors"
	"os"
	"syscall"
)

// terminateGroup sends SIGTERM to p's process group. A group that is already
// gone is not an error.
func terminateGroup(p *os.Process) error {
	if err := syscall.Kill(-p.Pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

// killGroup sends SIGKILL to whatever is left of p's process group.
func killGroup(p *os.Process) {
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
}
