//go:build unix && !linux

package lambdarun

import "syscall"

// sysProcAttr gives the function its own process group, so killGroup also
// reaches anything it spawned. (Only Linux has Pdeathsig.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
