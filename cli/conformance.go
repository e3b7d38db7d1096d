package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/conformance"
	ucli "github.com/urfave/cli/v2"
)

func (e *env) conformanceCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "conformance",
		Usage:     "run the conformance suite (conformance/SPEC.md §7) through a runner on a backend",
		ArgsUsage: "[CASES_DIR]",
		Description: `Without CASES_DIR, the suite compiled into redis-lua runs (the cases of
the conformance module it was built with; "conformance export DIR" writes
them out). The backend is embedded (an
in-process miniredis, the default), redis or cluster (the server of
--redis). The runner is this project's engine, or --runner CMD speaking the
protocol of conformance/PROTOCOL.md.

Examples:
  redis-lua conformance
  redis-lua --redis redis://127.0.0.1:6379/0 conformance --backend redis
  redis-lua conformance --runner "./my-runner"
  redis-lua conformance serve
  redis-lua conformance export ./cases`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "runner", Usage: "an external runner command"},
			&ucli.StringFlag{Name: "backend", Value: "embedded", Usage: "embedded, redis or cluster"},
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
				if err := conformance.Serve(c.Context, os.Stdin, e.stdout, runner); err != nil {
					return failf("serve: %v", err)
				}
				return nil
			},
		}},
	}
}

func (e *env) conformance(c *ucli.Context) error {
	if c.NArg() > 1 {
		return usagef("conformance takes one CASES_DIR")
	}
	cases, err := conformance.Cases()
	if c.NArg() == 1 {
		dir := c.Args().First()
		cases, err = conformance.LoadCases(dir)
		if err == nil && len(cases) == 0 {
			return usagef("no *.txtar cases in %s", dir)
		}
	}
	if err != nil {
		return usagef("%v", err)
	}
	b := &conformance.Backend{Name: c.String("backend")}
	switch b.Name {
	case "embedded":
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
		b.URL, b.Client = raw, client
		if b.Name == "cluster" && !strings.Contains(raw, "+cluster://") {
			// The runner's form of the same server, credentials included.
			b.URL = strings.Replace(raw, "://", "+cluster://", 1)
		}
	default:
		return usagef("--backend %q: want embedded, redis or cluster", b.Name)
	}
	defer b.Client.Close()
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
	report := conformance.Run(c.Context, cases, runner, []*conformance.Backend{b}, e.stdout)
	if report.Failed > 0 {
		return &exitError{code: ExitScript, msg: fmt.Sprintf("%d of %d cases failed", report.Failed, len(cases))}
	}
	return nil
}
