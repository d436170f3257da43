//go:build unix

package api_test

import (
	"syscall"
	"time"
)

// benchProcessCPU is the CPU time (user and system) this process has used so far.
func benchProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
