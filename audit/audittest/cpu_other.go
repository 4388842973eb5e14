//go:build !unix

package audittest

// cpuMicros is not measured here: the CPU column reads 0.
func cpuMicros() int64 { return 0 }
