package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redislua/redislua/redistest"
)

// helpExamples are the command lines of a help text's description: the
// lines that start with "redis-lua " or "REDIS_URL=", continued while a
// quote is open.
func helpExamples(help string) []string {
	var out []string
	_, desc, _ := strings.Cut(help, "DESCRIPTION:\n")
	var lines []string
	for _, l := range strings.Split(desc, "\n") {
		if l != "" && !strings.HasPrefix(l, " ") {
			break // the next section
		}
		lines = append(lines, l)
	}
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "redis-lua ") && !strings.HasPrefix(l, "REDIS_URL=") {
			continue
		}
		for strings.Count(l, "'")%2 == 1 && i+1 < len(lines) {
			i++
			l += "\n" + strings.TrimSpace(lines[i])
		}
		out = append(out, l)
	}
	return out
}

// TestHelpExamplesRun: every example of the help of the commands (but
// check and conformance, whose help is their owners') runs from the
// repository root, with localhost:6379 a real server (they named
// examples/lua, which does not exist).
func TestHelpExamplesRun(t *testing.T) {
	root := repoRoot(t)
	srv := redistest.Real(t)
	n := 0
	for _, cmd := range [][]string{{"help"}, {"help", "render"}, {"help", "inspect"}, {"help", "ls"}, {"help", "run"}, {"help", "exec"},
		{"help", "load"}, {"help", "gen"}, {"help", "functions"}, {"help", "version"}, {"help", "test"}, {"help", "debug"}} {
		r := run(t, root, nil, cmd...)
		examples := helpExamples(r.stdout)
		if r.code != 0 || len(examples) == 0 {
			t.Errorf("%v: no examples: %+v", cmd, r)
		}
		for _, ex := range examples {
			n++
			line := strings.ReplaceAll(ex, "localhost:6379", srv.Addr)
			c := exec.Command("bash", "-c", line)
			c.Dir = root
			c.Env = append(os.Environ(), "PATH="+filepath.Dir(binary)+":"+os.Getenv("PATH"))
			// debug reads its commands from stdin: these run the script
			// to its end.
			c.Stdin = strings.NewReader(strings.Repeat("continue\n", 10))
			if out, err := c.CombinedOutput(); err != nil {
				t.Errorf("%v: %s: %v\n%s", cmd, ex, err, out)
			}
		}
	}
	t.Logf("%d examples ran", n)
}
