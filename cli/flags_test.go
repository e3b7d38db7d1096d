package cli_test

import (
	"strings"
	"testing"

	"github.com/redislua/redislua/redistest"
)

// TestGlobalFlagsAnywhere: global flags are read wherever they are on
// the line (after the command and its arguments too: "flag provided but
// not defined: -dir"); --redis and -u take host:port, :port and the URL
// forms ("first path segment in URL cannot contain colon"); "version"
// is a command.
func TestGlobalFlagsAnywhere(t *testing.T) {
	srv := redistest.Real(t)
	_, port, _ := strings.Cut(srv.Addr, ":")
	run1 := []string{"run", "create_foo", "size=1", `members=["a"]`}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"flags after the arguments", append(append([]string{}, run1...), "--dir", "lua", "--redis", srv.URL())},
		{"flags between the arguments", []string{"run", "create_foo", "--dir=lua", "size=1", "-u", srv.URL(), `members=["a"]`}},
		{"flags before and after", append([]string{"--dir", "lua"}, append(append([]string{}, run1...), "--redis", srv.URL())...)},
		{"host:port", append([]string{"--dir", "lua", "--redis", srv.Addr}, run1...)},
		{":port", append([]string{"--dir", "lua", "--redis", ":" + port}, run1...)},
		{"-u host:port after the command", append(append([]string{}, run1...), "-u", srv.Addr, "--dir", "lua")},
		{"-u URL", append([]string{"-u", srv.URL(), "--dir", "lua"}, run1...)},
		{"--redis=URL", append([]string{"--redis=" + srv.URL(), "--dir", "lua"}, run1...)},
		{"a local flag and global ones after the name", []string{"run", "create_foo", "--raw", "size=1", `members=["a"]`, "--dir", "lua", "-u", srv.Addr}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, examples, nil, tc.args...)
			if r.code != 0 || !strings.Contains(r.stdout, `"members":["a"]`) || r.stderr != "" {
				t.Errorf("%q: %+v", tc.args, r)
			}
		})
	}
	// The embedded Redis note is absent above: every form reached the
	// server. A host alone takes port 6379 (the error names the address,
	// unless a server answers there).
	r := run(t, examples, nil, "exec", "-e", "return 1", "--redis", "127.0.0.2")
	if !strings.Contains(r.stderr, "127.0.0.2:6379") && (r.code != 0 || r.stdout != "1\n") {
		t.Errorf("--redis host: %+v", r)
	}
	r = run(t, examples, nil, "exec", "--bogus", "-e", "return 1")
	if r.code != 2 || !strings.Contains(r.stderr, "exec: flag provided but not defined: -bogus") {
		t.Errorf("an unknown flag: %+v", r)
	}
	v := run(t, examples, nil, "version")
	w := run(t, examples, nil, "--version")
	if v.code != 0 || !strings.HasPrefix(v.stdout, "redis-lua ") || v.stdout != w.stdout {
		t.Errorf("version = %+v, --version = %+v", v, w)
	}
}
