package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redislua/redislua/cli"

	"github.com/redislua/redislua/redistest"
)

// TestCheckTarget: the target comes from --target, else the project's
// redislua.json, else redis-7.0; --also and the configuration's also
// warn of what another server lacks; the configuration's rules apply;
// --redis takes the table of that server.
func TestCheckTarget(t *testing.T) {
	dir := t.TempDir()
	lua := filepath.Join(dir, "lua")
	os.MkdirAll(lua, 0o755)
	os.WriteFile(filepath.Join(lua, "a.lua"), []byte("%key h\nredis.call('HEXPIRE', h, 10, 'FIELDS', 1, 'f')\nreturn server.call('GET', h)\n"), 0o644)
	r := run(t, dir, nil, "check")
	if r.code != 1 || !strings.Contains(r.stderr, "lua/a.lua:2:12: error: HEXPIRE is not in redis-7.0: redis-7.4 has it (since 7.4.0)") ||
		!strings.Contains(r.stderr, "lua/a.lua:3:8: error: read of global server, which Redis does not provide") || !strings.HasSuffix(r.stderr, "1 scripts, 2 errors, 0 warnings\n") {
		t.Errorf("check (redis-7.0) = %+v", r)
	}
	r = run(t, dir, nil, "check", "--target", "valkey-unstable")
	if r.code != 1 || !strings.Contains(r.stderr, "HEXPIRE is not in valkey-unstable") || strings.Contains(r.stderr, "server") {
		t.Errorf("check --target valkey-unstable = %+v", r)
	}
	r = run(t, dir, nil, "check", "--target", "redis-7.4", "--also", "redis-7.2")
	if r.code != 1 || !strings.Contains(r.stderr, "lua/a.lua:2:12: warning: HEXPIRE is not in redis-7.2, which the scripts must also run on (RL207)") {
		t.Errorf("check --also = %+v", r)
	}
	r = run(t, dir, nil, "check", "--target", "redis-7.3")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown target "redis-7.3" (did you mean redis-7.0?); known targets: redis-7.0, redis-7.2, redis-7.4`) {
		t.Errorf("check --target redis-7.3 = %+v", r)
	}
	// The project's configuration, found from --dir upward.
	os.WriteFile(filepath.Join(dir, "redislua.json"), []byte(`{"target": "valkey-8.0", "also": ["redis-7.0"], "disable": ["RL108"]}`), 0o644)
	r = run(t, dir, nil, "check")
	if r.code != 1 || !strings.Contains(r.stderr, "HEXPIRE is not in valkey-8.0") || !strings.Contains(r.stderr, "lua/a.lua:3:8: warning: global server is not in redis-7.0, which the scripts must also run on (RL207)") {
		t.Errorf("check with redislua.json = %+v", r)
	}
	r = run(t, dir, nil, "check", "--target", "redis-7.4", "--disable", "RL207")
	if r.code != 1 || strings.Contains(r.stderr, "RL207") || !strings.HasSuffix(r.stderr, "1 scripts, 1 errors, 0 warnings\n") {
		t.Errorf("check --target over redislua.json = %+v", r)
	}
	os.WriteFile(filepath.Join(dir, "other.json"), []byte(`{"targte": "redis-7.4"}`), 0o644)
	r = run(t, dir, nil, "check", "--config", "other.json")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown field "targte"`) {
		t.Errorf("check --config other.json = %+v", r)
	}
	// --redis: the live server's own table (a real redis-server 7.0,
	// whose table lacks HEXPIRE and the server global).
	srv := redistest.Real(t)
	if v := cli.ServerVersion(t, srv.Client(t)); v != "redis 7.0" {
		t.Skipf("%s is not Redis 7.0: the table of --redis differs", v)
	}
	r = run(t, dir, nil, "check", "--redis", srv.URL(), "--also", "")
	if r.code != 1 || !strings.Contains(r.stderr, "HEXPIRE is not in redis-7.0.") || !strings.Contains(r.stderr, "read of global server, which Redis does not provide") {
		t.Errorf("check --redis = %+v", r)
	}
}
