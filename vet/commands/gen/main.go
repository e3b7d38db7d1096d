// Command gen asks a running Redis or Valkey server what it is (INFO
// server), its commands (COMMAND, COMMAND DOCS) and the globals of its
// Lua (commands.GlobalsScript), and writes them as one target of
// vet/commands/tables.jsonl, recording in manifest.txt where the table
// came from. Other targets in the files stay.
//
//	go run ./vet/commands/gen -addr 127.0.0.1:6379 -source "Debian redis-server 7.0.15 (/usr/bin/redis-server)"
//
// The target is named by the server and the major.minor of the version
// it reports (redis-7.0, valkey-8.0), or -name. Nothing of the servers'
// prose is kept: no summaries, complexity or history.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/commands/internal/tabledata"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "the server's `host:port` (no AUTH)")
	name := flag.String("name", "", "the target's name (default: server-major.minor)")
	source := flag.String("source", "", "where the server binary came from, for the manifest")
	dir := flag.String("o", "vet/commands", "the `directory` of tables.jsonl and manifest.txt")
	flag.Parse()
	if err := run(*addr, *name, *source, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(addr, name, source, dir string) error {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	c := &client{conn: conn, r: bufio.NewReader(conn)}
	infoText, err := c.do("INFO", "server")
	if err != nil {
		return err
	}
	server, version := serverVersion(asText(infoText))
	if name == "" {
		parts := strings.Split(version, ".")
		if len(parts) < 2 {
			return fmt.Errorf("version %q: give -name", version)
		}
		name = server + "-" + parts[0] + "." + parts[1]
	}
	info, err := c.do(commands.Queries[0]...)
	if err != nil {
		return err
	}
	docs, err := c.do(commands.Queries[1]...)
	if err != nil {
		return err
	}
	globals, err := c.do("EVAL", commands.GlobalsScript, "0")
	if err != nil {
		return err
	}
	cmds, err := tabledata.FromReplies(info, docs)
	if err != nil {
		return err
	}
	file := filepath.Join(dir, "tables.jsonl")
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	tables, err := tabledata.Decode(old)
	if err != nil {
		return err
	}
	tables = slicesDelete(tables, name)
	tables = append(tables, tabledata.Table{Target: tabledata.Target{Name: name, Server: server, Version: version}, Cmds: cmds, Globals: tabledata.ParseGlobals(asText(globals))})
	data, err := tabledata.Encode(tables)
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return err
	}
	if err := manifest(filepath.Join(dir, "manifest.txt"), name, server, version, source); err != nil {
		return err
	}
	fmt.Printf("%s: %s %s, %d commands and subcommands\n", name, server, version, len(cmds))
	return nil
}

func slicesDelete(ts []tabledata.Table, name string) []tabledata.Table {
	var out []tabledata.Table
	for _, t := range ts {
		if t.Name != name {
			out = append(out, t)
		}
	}
	return out
}

// serverVersion reads INFO server: Valkey says server_name:valkey and
// valkey_version (its redis_version is the Redis it is compatible with).
func serverVersion(info string) (server, version string) {
	fields := map[string]string{}
	for _, line := range strings.Split(info, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			fields[k] = v
		}
	}
	if v := fields["valkey_version"]; v != "" {
		return "valkey", v
	}
	if fields["server_name"] == "valkey" {
		return "valkey", fields["redis_version"]
	}
	return "redis", fields["redis_version"]
}

const manifestHead = `# Where each table of tables.jsonl came from, written by gen
# (go run ./vet/commands/gen -addr HOST:PORT -source TEXT):
# target, server, the version it reported, the binary it ran.
`

func manifest(file, name, server, version, source string) error {
	old, _ := os.ReadFile(file)
	var lines []string
	for _, line := range strings.Split(string(old), "\n") {
		if line == "" || strings.HasPrefix(line, "#") || strings.Fields(line)[0] == name {
			continue
		}
		lines = append(lines, line)
	}
	if source == "" {
		source = "(unrecorded)"
	}
	lines = append(lines, fmt.Sprintf("%s %s %s %s", name, server, version, source))
	sort.Strings(lines)
	return os.WriteFile(file, []byte(manifestHead+strings.Join(lines, "\n")+"\n"), 0o644)
}

func asText(v any) string { s, _ := v.(string); return s }

// client speaks just enough RESP2 for the generator: a command out, a
// reply in (strings, integers, arrays; nil for a null).
type client struct {
	conn net.Conn
	r    *bufio.Reader
}

func (c *client) do(args ...string) (any, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	c.conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c.conn, b.String()); err != nil {
		return nil, err
	}
	return c.read()
}

func (c *client) read() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, fmt.Errorf("empty reply line")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, errors.New(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = c.read(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown reply %q", line)
}
