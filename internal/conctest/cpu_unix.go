//go:build unix

package conctest

import (
	"syscall"
	"time"
)

// CPUTime returns the user and system CPU time the process has used, for
// benchmarks that report CPU time per operation: on a shared machine it
// moves less than wall time.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
