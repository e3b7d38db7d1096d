package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/conformance"
	ucli "github.com/urfave/cli/v2"
)

func (e *env) conformanceCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "conformance",
		Usage:     "run the conformance suite (conformance/SPEC.md §7) through a runner on a backend",
		ArgsUsage: "[CASE.txtar | CASES_DIR]",
		Description: `Without CASES, the suite compiled into redis-lua runs (the cases of
the conformance module it was built with; "conformance export DIR" writes
them out); CASES is one case file or a directory of them, and --run
keeps the cases whose name matches. The backend is embedded (an
in-process miniredis, the default), redis or cluster (the server of
--redis). The runner is this project's engine, or --runner CMD speaking the
protocol of conformance/PROTOCOL.md. Each request has a minute, or what
the case's bounds.json gives; a --runner that answers later, or whose
memory grows beyond the case's bound (read from /proc on Linux), is
stopped, the case fails, and the runner starts again for the next.

On redis and cluster, the suite owns the database of --redis: it empties
it (FLUSHDB, never the server's other databases) before every case, and
flushes the server's script cache in some cases. So it refuses a database
that holds keys unless --flush is given.

Examples:
  redis-lua conformance
  redis-lua --redis redis://127.0.0.1:6379/15 conformance --backend redis
  redis-lua conformance --run 'run_list' --json
  redis-lua conformance --junit report.xml cases/bom.txtar
  redis-lua conformance --runner "./my-runner"
  redis-lua conformance serve
  redis-lua conformance export ./cases`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "runner", Usage: "an external runner command"},
			&ucli.StringFlag{Name: "backend", Value: "embedded", Usage: "embedded, redis or cluster"},
			&ucli.StringFlag{Name: "run", Usage: "run only the cases whose name matches this regular expression"},
			&ucli.BoolFlag{Name: "flush", Usage: "allow emptying a database that holds keys (it is emptied before every case)"},
			&ucli.BoolFlag{Name: "json", Usage: "print the report as JSON"},
			&ucli.StringFlag{Name: "junit", Usage: "also write the report as JUnit XML to `FILE`"},
		},
		Action: e.conformance,
		Subcommands: []*ucli.Command{{
			Name:        "export",
			Usage:       "write the suite's case files (txtar) into DIR, for harnesses in other languages",
			ArgsUsage:   "DIR",
			Description: "Example:\n  redis-lua conformance export ./redislua-cases",
			Action: func(c *ucli.Context) error {
				if c.NArg() != 1 {
					return usagef("conformance export takes one DIR")
				}
				n, err := conformance.Export(c.Args().First())
				if err != nil {
					return failf("export: %v", err)
				}
				fmt.Fprintf(e.stderr, "wrote %d cases to %s\n", n, c.Args().First())
				return nil
			},
		}, {
			Name:        "serve",
			Usage:       "be a conformance runner on stdin/stdout (JSON lines)",
			Description: "Example:\n  echo '{\"id\":1,\"op\":\"load\",\"files\":{\"main.lua\":\"return 1\"},\"name\":\"main\"}' | redis-lua conformance serve",
			Action: func(c *ucli.Context) error {
				runner := conformance.NewBuiltin()
				defer runner.Close()
				if err := conformance.Serve(c.Context, os.Stdin, e.rawStdout, runner); err != nil {
					return failf("serve: %v", err)
				}
				return nil
			},
		}},
	}
}

func (e *env) conformance(c *ucli.Context) error {
	if c.NArg() > 1 {
		return usagef("conformance takes one CASES (a .txtar file or a directory)")
	}
	cases, err := e.cases(c)
	if err != nil {
		return err
	}
	b := &conformance.Backend{Name: c.String("backend"), Functions: c.Bool("functions")}
	switch b.Name {
	case "embedded":
		if b.Functions {
			return usagef("--functions needs Redis 7: the embedded Redis has no functions (--backend redis or cluster)")
		}
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return failf("embedded Redis: %v", err)
		}
		defer m.Close()
		b.URL = "redis://" + m.Addr() + "/0"
		b.Client = redis.NewClient(&redis.Options{Addr: m.Addr()})
	case "redis", "cluster":
		raw := c.String("redis")
		if raw == "" {
			raw = e.getenv("REDIS_URL")
		}
		if raw == "" {
			return usagef("--backend %s needs --redis or REDIS_URL", b.Name)
		}
		client, err := newClient(raw, c.Bool("cluster") || b.Name == "cluster")
		if err != nil {
			return usagef("--redis %s: %v", redact(raw), redactErr(err, raw))
		}
		defer client.Close()
		b.URL, b.Client = serverURL(raw), client
		if b.Name == "cluster" && !strings.Contains(raw, "+cluster://") {
			// The runner's form of the same server, credentials included.
			b.URL = strings.Replace(b.URL, "://", "+cluster://", 1)
		}
		if err := e.ownable(c, client, raw); err != nil {
			return err
		}
	default:
		return usagef("--backend %q: want embedded, redis or cluster", b.Name)
	}
	var runner conformance.Runner = conformance.NewBuiltin()
	if cmd := c.String("runner"); cmd != "" {
		fields := strings.Fields(cmd)
		ext, err := conformance.NewExternal(fields[0], fields[1:]...)
		if err != nil {
			return usagef("--runner %s: %v", cmd, err)
		}
		runner = ext
	}
	defer runner.Close()
	lines := e.stdout
	if c.Bool("json") {
		lines = nil
	}
	report := conformance.Run(c.Context, cases, runner, []*conformance.Backend{b}, lines)
	if c.Bool("json") {
		if err := report.WriteJSON(e.stdout); err != nil {
			return failf("--json: %v", err)
		}
	}
	if err := writeFile(c.String("junit"), report.WriteJUnit); err != nil {
		return failf("--junit: %v", err)
	}
	if c.Context.Err() != nil {
		return c.Context.Err()
	}
	if report.Failed > 0 {
		return &exitError{code: ExitScript, msg: fmt.Sprintf("%d of %d cases failed", report.Failed, len(cases))}
	}
	return nil
}

// cases reads the cases to run: the suite compiled in, one .txtar file,
// or a directory of them; --run keeps those whose name matches.
func (e *env) cases(c *ucli.Context) ([]*conformance.Case, error) {
	var cases []*conformance.Case
	var err error
	switch arg := c.Args().First(); {
	case arg == "":
		cases, err = conformance.Cases()
	case strings.HasSuffix(arg, ".txtar"):
		var data []byte
		if data, err = os.ReadFile(arg); err == nil {
			var one *conformance.Case
			one, err = conformance.ParseCase(strings.TrimSuffix(filepath.Base(arg), ".txtar"), data)
			cases = []*conformance.Case{one}
		}
	default:
		cases, err = conformance.LoadCases(arg)
		if err == nil && len(cases) == 0 {
			return nil, usagef("no *.txtar cases in %s", arg)
		}
	}
	if err != nil {
		return nil, usagef("%v", err)
	}
	if expr := c.String("run"); expr != "" {
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, usagef("--run: %v", err)
		}
		kept := cases[:0]
		for _, cs := range cases {
			if re.MatchString(cs.Name) {
				kept = append(kept, cs)
			}
		}
		if len(kept) == 0 {
			return nil, usagef("--run %s matches no case", expr)
		}
		cases = kept
	}
	return cases, nil
}

// ownable checks that the harness may own the database: the server
// answers (within a few seconds: one line when it does not), and the
// database is empty, or --flush says its keys may go. The harness
// empties that database before every case (FLUSHDB; never the server's
// other databases).
func (e *env) ownable(c *ucli.Context, client redis.UniversalClient, raw string) error {
	ctx, cancel := context.WithTimeout(c.Context, 3*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		return failf("%s does not answer: %s", redact(raw), redactErr(err, raw))
	}
	n, err := conformance.Keys(ctx, client)
	if err != nil {
		return failf("%s: %s", redact(raw), redactErr(err, raw))
	}
	if n > 0 && !c.Bool("flush") {
		return usagef("%s holds %d keys: conformance empties the database before every case; run it on an empty database (another db number, or a throw-away server), or give --flush to let it delete them", redact(raw), n)
	}
	return nil
}
