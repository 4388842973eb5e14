//go:build unix

package audittest

import "syscall"

// cpuMicros is the process's user+system CPU time so far, in µs.
func cpuMicros() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano()/1e3 + ru.Stime.Nano()/1e3
}
