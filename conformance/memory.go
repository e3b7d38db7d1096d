package conformance

import (
	"os"
	"strconv"
	"strings"
)

// Memory of a runner process, read from the operating system: Linux's
// /proc. Elsewhere nothing can be read and memory goes unmeasured (the
// time bound still applies).

// processTree is pid and its descendants, as /proc lists them.
func processTree(pid int) []int {
	tree := []int{pid}
	for i := 0; i < len(tree) && len(tree) < 1024; i++ {
		tasks, err := os.ReadDir("/proc/" + strconv.Itoa(tree[i]) + "/task")
		if err != nil {
			continue
		}
		for _, t := range tasks {
			data, err := os.ReadFile("/proc/" + strconv.Itoa(tree[i]) + "/task/" + t.Name() + "/children")
			if err != nil {
				continue
			}
			for _, f := range strings.Fields(string(data)) {
				if c, err := strconv.Atoi(f); err == nil {
					tree = append(tree, c)
				}
			}
		}
	}
	return tree
}

// statusKB reads one "Name:   N kB" field of /proc/PID/status.
func statusKB(pid int, field string) (int64, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// treeMemory is the resident memory of pid and its descendants, in
// bytes: the current one (VmRSS) and the peak since resetPeaks (VmHWM),
// summed. ok is false when it cannot be read.
func treeMemory(pid int) (rss, peak int64, ok bool) {
	for _, p := range processTree(pid) {
		r, ok1 := statusKB(p, "VmRSS")
		h, ok2 := statusKB(p, "VmHWM")
		if !ok1 || !ok2 {
			if p == pid {
				return 0, 0, false
			}
			continue // a child that has just ended
		}
		rss += r << 10
		peak += h << 10
	}
	return rss, peak, true
}

// resetPeaks sets the peak resident memory of pid and its descendants to
// their current one (Linux's clear_refs), so that a peak read later is
// the request's. ok is false when it could not: a peak read later may be
// an earlier request's, and sampling alone measures.
func resetPeaks(pid int) (ok bool) {
	ok = true
	for _, p := range processTree(pid) {
		if err := os.WriteFile("/proc/"+strconv.Itoa(p)+"/clear_refs", []byte("5"), 0); err != nil {
			ok = false
		}
	}
	return ok
}
