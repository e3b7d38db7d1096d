//go:build unix

package resolve

import "syscall"

// cpuTime is the CPU time the process has used, user and system, in
// nanoseconds: garbage collection and the runtime's own threads included.
func cpuTime() int64 {
	var r syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &r) != nil {
		return 0
	}
	return r.Utime.Nano() + r.Stime.Nano()
}
