//go:build !unix

package emulators

import (
	"errors"
	"os"
	"syscall"
)

// sysProcAttr has nothing to set where there are no process groups.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// terminateGroup kills p: without process groups or SIGTERM there is no
// gentler way, and Kabinet's emulators keep no state worth a clean shutdown.
func terminateGroup(p *os.Process) error {
	if err := p.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// killGroup kills p if it is still running.
func killGroup(p *os.Process) { _ = p.Kill() }
