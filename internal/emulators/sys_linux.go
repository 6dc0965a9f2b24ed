package emulators

import "syscall"

// sysProcAttr puts an emulator in its own process group, so Stop can signal
// it together with anything it spawned, and has the kernel send it SIGTERM
// when the thread that started it dies, so an emulator never outlives a
// crashed or killed test binary.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
