package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/redistest"
)

// copyDir copies the files of src (one level of subdirectories) to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// libraries are the names of the function libraries on the server.
func libraries(t *testing.T, c *redis.Client) []string {
	t.Helper()
	libs, err := c.FunctionList(context.Background(), redis.FunctionListQuery{}).Result()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range libs {
		names = append(names, l.Name)
	}
	slices.Sort(names)
	return names
}

// TestFunctionLibraryLifecycle: --library selects the library run calls
// through (run loaded a library of its own); functions list shows the
// libraries redis-lua made and which one is --dir's; functions prune
// removes the older ones of a name (--dry-run names them); exec
// --functions leaves no library behind (one per snippet was left);
// --functions on the embedded Redis says it needs Redis 7 (it failed
// with "unknown command 'fcall'").
func TestFunctionLibraryLifecycle(t *testing.T) {
	srv := redistest.Real(t)
	c := srv.Client(t)
	dir := t.TempDir()
	copyDir(t, filepath.Join(examples, "lua"), filepath.Join(dir, "lua"))
	env := []string{"REDIS_URL=" + srv.URL()}
	r := run(t, dir, env, "--dir", "lua", "load", "--functions", "--library", "app")
	v1, _, _ := strings.Cut(strings.TrimPrefix(r.stdout, "library "), "\n")
	if r.code != 0 || !strings.HasPrefix(v1, "app_") {
		t.Fatalf("load: %+v", r)
	}
	// A new version of the scripts: a library of its own beside the first.
	f := filepath.Join(dir, "lua", "add_score.lua")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, append(b, "\n-- v2\n"...), 0o644)
	r = run(t, dir, env, "load", "--library", "app")
	v2, _, _ := strings.Cut(strings.TrimPrefix(r.stdout, "library "), "\n")
	if r.code != 0 || !strings.HasPrefix(v2, "app_") || v2 == v1 {
		t.Fatalf("load v2: %+v", r)
	}
	for _, step := range []struct {
		name      string
		env       []string
		args      []string
		code      int
		stdout    []string // lines, each a prefix of the line at its place
		stderr    string
		libraries []string // on the server after the step
	}{
		{"run through the library", env, []string{"run", "create_foo", "size=1", `members=["a"]`, "--library", "app"}, 0,
			[]string{`{"id":1,"members":["a"],"size":1}`}, "", []string{v1, v2}},
		{"--functions run: the --dir's library", env, []string{"--functions", "--dir", "lua", "run", "add_score", "board_key=b", "player=p", "points=3", "max_score=10"}, 0,
			[]string{"3"}, "", []string{v1, v2, "lua_"}},
		{"exec leaves no library", env, []string{"--functions", "exec", "-e", "return 7"}, 0,
			[]string{"7"}, "", []string{v1, v2, "lua_"}},
		{"an included script has no function", env, []string{"--library", "app", "run", "lib/util"}, 2,
			nil, "lib/util is included by other scripts", []string{v1, v2, "lua_"}},
		{"list", env, []string{"functions", "list"}, 0, []string{
			"LIBRARY ", v1 + "  app   " + strings.TrimPrefix(v1, "app_") + "  other    add_score broken_foo create_foo rate_limit",
			v2 + "  app   " + strings.TrimPrefix(v2, "app_") + "  current  add_score broken_foo create_foo rate_limit",
			"lua_"}, "", []string{v1, v2, "lua_"}},
		{"prune --dry-run", env, []string{"functions", "prune", "--dry-run", "--library", "app"}, 0,
			[]string{"would remove " + v1}, "would remove 1 libraries of app (kept the current one, " + v2 + ")", []string{v1, v2, "lua_"}},
		{"prune", env, []string{"--library", "app", "functions", "prune"}, 0,
			[]string{"removed " + v1}, "removed 1 libraries of app", []string{v2, "lua_"}},
		{"prune needs --library", env, []string{"functions", "prune"}, 2, nil, "prune needs --library NAME", []string{v2, "lua_"}},
		{"embedded exec", nil, []string{"--functions", "exec", "-e", "return 1"}, 2, nil, "--functions needs Redis 7", []string{v2, "lua_"}},
		{"embedded run", nil, []string{"--library", "app", "run", "create_foo", "size=1", `members=["a"]`}, 2, nil, "--functions needs Redis 7", []string{v2, "lua_"}},
	} {
		r := run(t, dir, step.env, append([]string{"--dir", "lua"}, step.args...)...)
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		ok := r.code == step.code && strings.Contains(r.stderr, step.stderr) && (len(step.stdout) == 0 || len(lines) == len(step.stdout))
		for i, want := range step.stdout {
			ok = ok && i < len(lines) && strings.HasPrefix(lines[i], want)
		}
		if !ok {
			t.Errorf("%s: %v: %+v", step.name, step.args, r)
		}
		got := libraries(t, c)
		match := len(got) == len(step.libraries)
		for i := range got {
			match = match && strings.HasPrefix(got[i], step.libraries[i])
		}
		if !match {
			t.Errorf("%s: libraries %v, want %v", step.name, got, step.libraries)
		}
	}
}
