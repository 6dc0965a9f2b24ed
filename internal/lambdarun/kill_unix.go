//go:build unix

package lambdarun

import (
	"os"
	"syscall"
)

// killGroup ends the function and anything it spawned. Lambda freezes or
// discards an environment after the invocation; nothing the function still
// does afterwards matters, so there is no grace period.
func killGroup(p *os.Process) {
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
}
