package cli

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/redislua/redislua/cli/lsp"
	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/config"
	ucli "github.com/urfave/cli/v2"
)

func (e *env) lspCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "lsp",
		Usage: "serve the Language Server Protocol on stdin/stdout (diagnostics, definition, hover, completion)",
		Description: `An editor starts it and speaks LSP to it over stdin and stdout. The
scripts' root is --dir when given, else the "dir" of the project
configuration (` + config.Name + `), else the editor's workspace folder. Diagnostics
come from the open documents' text, with the linter, target and rules
check uses (the configuration's, or --target, --also, --config; the
global --redis takes the command table from that server, and hover on a
command adds that server's own summary of it, asked when first hovered).

Neovim (0.8+):
  vim.lsp.start({ name = "redis-lua", cmd = { "redis-lua", "lsp" },
    root_dir = vim.fs.dirname(vim.fs.find({ "` + config.Name + `", ".git" }, { upward = true })[1]) })
Helix (languages.toml):
  [language-server.redis-lua]
  command = "redis-lua"
  args = ["lsp"]
VS Code: a generic LSP client extension with the command "redis-lua lsp"
for the lua language.

Examples:
  redis-lua lsp
  redis-lua --dir lua lsp --target valkey-8.0`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "target", Usage: "the server the scripts run on (`NAME`: " + strings.Join(commands.Targets(), ", ") + "; default the configuration's, else " + commands.DefaultTarget + ")"},
			&ucli.StringFlag{Name: "also", Usage: "other servers the scripts must run on too (`NAMES`, comma-separated; replaces the configuration's)"},
			&ucli.StringFlag{Name: "config", Usage: "the project configuration (`FILE`; default the first " + config.Name + " in the root or above it)"},
			&ucli.BoolFlag{Name: "stdio", Usage: "talk over stdin and stdout (the only way; accepted as editors pass it)"},
		},
		Action: e.lsp,
	}
}

func (e *env) lsp(c *ucli.Context) error {
	var opts lsp.Options
	for _, p := range c.Lineage() {
		if opts.Dir == "" && p.IsSet("dir") {
			opts.Dir = p.String("dir")
		}
	}
	opts.Config = c.String("config")
	opts.Target = c.String("target")
	if c.IsSet("also") {
		opts.Also = []string{}
		for _, a := range strings.Split(c.String("also"), ",") {
			if a = strings.TrimSpace(a); a != "" {
				opts.Also = append(opts.Also, a)
			}
		}
	}
	if t := opts.Target; t != "" {
		if _, err := commands.Lookup(t); err != nil {
			return usagef("lsp: --target: %v", err)
		}
	}
	// The global --redis (not $REDIS_URL: as check, a static check talks
	// to a server only when told to).
	raw := ""
	for _, p := range c.Lineage() {
		if raw == "" && p.IsSet("redis") {
			raw = p.String("redis")
		}
	}
	if raw != "" {
		t, err := liveTable(c.Context, raw, c.Bool("cluster"))
		if err != nil {
			return err
		}
		opts.Table = t
		// Hover adds the server's own summary of a command, asked when
		// first hovered (half a second at most), kept for the session.
		client, err := newClient(raw, c.Bool("cluster"))
		if err != nil {
			return usagef("--redis %s: %v", redact(raw), redactErr(err, raw))
		}
		defer client.Close()
		docs := &serverDocs{client: client, wait: 500 * time.Millisecond, cache: map[string]docEntry{}}
		opts.Summary = docs.Summary
	}
	err := lsp.New(e.rawStdout, opts).Run(c.Context, os.Stdin)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, lsp.ErrNoShutdown):
		return &exitError{code: ExitScript}
	case c.Context.Err() != nil:
		return err
	default:
		return failf("lsp: %v", err)
	}
}
