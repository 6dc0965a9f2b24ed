//go:build unix && !linux

package emulators

import "syscall"

// sysProcAttr puts an emulator in its own process group, so Stop can signal
// it together with anything it spawned. (Only Linux has Pdeathsig.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
