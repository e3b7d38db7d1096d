package luacover

import (
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"sync"

	"github.com/redislua/redislua/resolve"
)

// Coverage is the line counts of the files scripts ran, safe for
// concurrent use.
type Coverage struct {
	mu    sync.Mutex
	files map[string]map[int]int64 // file ("lib/util.lua") → line → count
}

// NewCoverage returns an empty coverage.
func NewCoverage() *Coverage { return &Coverage{files: map[string]map[int]int64{}} }

// Add adds the counters of one call of in (the reply's first element)
// to c: each rendered line's count goes to the file and line it comes
// from. Lines counted but not run are entered with 0.
func (c *Coverage) Add(in *Instrumented, counts []any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, rendered := range in.Lines {
		f, ok := in.Script.Origin(rendered)
		if !ok {
			continue
		}
		name := f.Script + resolve.Ext
		lines := c.files[name]
		if lines == nil {
			lines = map[int]int64{}
			c.files[name] = lines
		}
		var n int64
		if k < len(counts) {
			n, _ = counts[k].(int64)
		}
		lines[f.Line] += n
	}
}

// Files are the files counted, sorted.
func (c *Coverage) Files() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(maps.Keys(c.files))
}

// Lines are the counts of file's lines (a copy).
func (c *Coverage) Lines(file string) map[int]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.files[file])
}

// Percent is the share of file's counted lines that ran, and the
// counts.
func (c *Coverage) Percent(file string) (pct float64, hit, total int) {
	for _, n := range c.Lines(file) {
		total++
		if n > 0 {
			hit++
		}
	}
	if total == 0 {
		return 100, 0, 0
	}
	return 100 * float64(hit) / float64(total), hit, total
}

// WriteText writes one line per file: its path under dir, the share of
// its lines that ran, and the counts.
func (c *Coverage) WriteText(w io.Writer, dir string) error {
	for _, f := range c.Files() {
		pct, hit, total := c.Percent(f)
		if _, err := fmt.Fprintf(w, "%-40s %5.1f%% of %d lines (%d run)\n", path.Join(dir, f), pct, total, hit); err != nil {
			return err
		}
	}
	return nil
}

// WriteLCOV writes the coverage in LCOV's tracefile format, one record
// per file (SF: its path under dir, DA: line,count, LF/LH, end_of_record).
func (c *Coverage) WriteLCOV(w io.Writer, dir string) error {
	for _, f := range c.Files() {
		lines := c.Lines(f)
		fmt.Fprintf(w, "TN:\nSF:%s\n", path.Join(dir, f))
		hit := 0
		for _, l := range slices.Sorted(maps.Keys(lines)) {
			fmt.Fprintf(w, "DA:%d,%d\n", l, lines[l])
			if lines[l] > 0 {
				hit++
			}
		}
		if _, err := fmt.Fprintf(w, "LF:%d\nLH:%d\nend_of_record\n", len(lines), hit); err != nil {
			return err
		}
	}
	return nil
}
