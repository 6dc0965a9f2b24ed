//go:build !unix

package lambdarun

import (
	"os"
	"syscall"
)

// sysProcAttr has nothing to set where there are no process groups.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// killGroup ends the function.
func killGroup(p *os.Process) { _ = p.Kill() }
