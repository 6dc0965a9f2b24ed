package lambdarun

import "syscall"

// sysProcAttr gives the function its own process group, so killGroup also
// reaches anything it spawned, and has the kernel kill it if the thread that
// started it dies, so a function never outlives a crashed invoke.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
