package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/cli/luatest"
	"github.com/redislua/redislua/conformance"
	ucli "github.com/urfave/cli/v2"
)

func (e *env) testCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "test",
		Usage:     "run your test cases (txtar files under --dir's testdata/) against your scripts",
		ArgsUsage: "[PATH…]",
		Description: `Runs every case file (*.txtar) under the testdata/ directory of --dir,
or the files and directories given. A case file holds a run.json in the
conformance suite's schema (conformance/README.md: setup, args, want,
error, check, mode, repeat, backends), each entry naming the script of
--dir it calls with "script"; lua/NAME.lua sections replace or add
scripts of the tree for that file's entries:

  counter adds n to its key.
  -- run.json --
  [{"script": "counter", "args": {"counter": "c", "n": 5}, "want": 5,
    "check": [{"cmd": ["GET", "c"], "want": "5"}]}]

Each entry passes or fails on its own; a failure is printed with its
file, entry (run N), script, and what was wanted beside what came; the
last line is "N passed, N failed", and the exit status is 1 when one
failed. --json prints the report as JSON; --junit FILE also writes it
as JUnit XML (a test case per entry), for CI systems. The backend is
the embedded Redis, or the server of --redis (a redis+cluster:// URL,
or --cluster, is a cluster). On a server the
database is emptied (FLUSHDB) before every entry, so a database that
holds keys is refused unless --flush is given.

--cover runs the scripts instrumented and prints, per file (included
files in their own lines), the share of lines with code that ran;
--coverprofile FILE writes the counts in LCOV format. Instrumented calls
go as EVAL, also with --functions; the outcomes are the same.

Examples:
  redis-lua --dir cli/examples/lua test
  redis-lua --dir cli/examples/lua test cli/examples/lua/testdata/add_score.txtar --json
  redis-lua --dir cli/examples/lua test --cover
  redis-lua --dir cli/examples/lua --redis redis://localhost:6379/15 test`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "json", Usage: "print the report as JSON"},
			&ucli.StringFlag{Name: "junit", Usage: "also write the report as JUnit XML to `FILE`"},
			&ucli.BoolFlag{Name: "flush", Usage: "allow emptying a database that holds keys (it is emptied before every entry)"},
			&ucli.BoolFlag{Name: "cover", Usage: "print the line coverage of every file the scripts ran"},
			&ucli.StringFlag{Name: "coverprofile", Usage: "write the line coverage in LCOV format to `FILE` (implies --cover)"},
		},
		Action: e.test,
	}
}

func (e *env) test(c *ucli.Context) error {
	dir := c.String("dir")
	root, err := os.OpenRoot(dir)
	if err != nil {
		return usagef("--dir %s: %v", dir, unwrapPath(err))
	}
	defer root.Close()
	paths := c.Args().Slice()
	if len(paths) == 0 {
		paths = []string{filepath.Join(dir, "testdata")}
		if _, err := os.Stat(paths[0]); err != nil {
			return usagef("no case files: %s does not exist (give PATH…)", paths[0])
		}
	}
	files, err := luatest.Load(paths...)
	if err != nil {
		return usagef("%v", err)
	}
	if len(files) == 0 {
		return usagef("no case files (*.txtar) in %s", strings.Join(paths, ", "))
	}
	b := &conformance.Backend{Name: "embedded", Functions: c.Bool("functions")}
	if raw := e.redisURL(c); raw == "" {
		if b.Functions {
			return usagef("--functions needs Redis 7: the embedded Redis has no functions (give --redis)")
		}
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return failf("embedded Redis: %v", err)
		}
		defer m.Close()
		b.URL = "redis://" + m.Addr() + "/0"
		b.Client = redis.NewClient(&redis.Options{Addr: m.Addr()})
	} else {
		b.Name = "redis"
		cluster := c.Bool("cluster") || strings.Contains(raw, "+cluster://")
		client, err := newClient(raw, cluster)
		if err != nil {
			return usagef("--redis %s: %v", redact(raw), redactErr(err, raw))
		}
		b.URL, b.Client = serverURL(raw), client
		if cluster {
			b.Name = "cluster"
			if !strings.Contains(raw, "+cluster://") {
				b.URL = strings.Replace(b.URL, "://", "+cluster://", 1)
			}
		}
		if err := e.ownable(c, client, raw); err != nil {
			client.Close()
			return err
		}
	}
	defer b.Client.Close()
	profile := c.String("coverprofile")
	cover := c.Bool("cover") || profile != ""
	report, err := luatest.Run(c.Context, root.FS(), files, b, &luatest.Options{Cover: cover})
	if err != nil {
		return failf("test: %v", err)
	}
	if c.Bool("json") {
		if err := report.WriteJSON(e.stdout); err != nil {
			return failf("--json: %v", err)
		}
	} else {
		if cover {
			if b.Functions {
				fmt.Fprintln(e.stderr, "redis-lua: --cover runs the scripts as EVAL, not through functions")
			}
			report.Coverage.WriteText(e.stdout, dir)
		}
		report.WriteText(e.stdout)
	}
	if err := writeFile(c.String("junit"), report.WriteJUnit); err != nil {
		return failf("--junit: %v", err)
	}
	lcov := func(w io.Writer) error { return report.Coverage.WriteLCOV(w, dir) }
	if err := writeFile(profile, lcov); err != nil {
		return failf("--coverprofile: %v", err)
	}
	if report.Failed > 0 {
		return &exitError{code: ExitScript}
	}
	return nil
}
