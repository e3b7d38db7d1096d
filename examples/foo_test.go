package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/examples/foo"
	"github.com/redislua/redislua/redistest"
)

// backends runs f on a real redis-server and on the embedded miniredis.
func backends(t *testing.T, f func(t *testing.T, rdb *redis.Client)) {
	t.Run("redis", func(t *testing.T) { f(t, redistest.Real(t).Client(t)) })
	t.Run("embedded", func(t *testing.T) { f(t, redistest.Embedded(t).Client(t)) })
}

// TestGenerated: the generated methods run the scripts through the
// engine, typed: results, pipelines, and a traceback to the real file.
func TestGenerated(t *testing.T) {
	backends(t, func(t *testing.T, rdb *redis.Client) {
		ctx := context.Background()
		s := foo.New(engine.New(rdb))
		got, err := s.CreateFoo(ctx, foo.CreateFooParams{Size: 5, Members: []any{"john", "susan"}})
		if err != nil || got["id"] != 1.0 || got["size"] != 5.0 || len(got["members"].([]any)) != 2 {
			t.Fatalf("CreateFoo = %v, %v", got, err)
		}
		var n int64
		n, err = s.AddScore(ctx, foo.AddScoreParams{BoardKey: "board", Player: "ann", Points: 120, MaxScore: 100})
		if err != nil || n != 100 {
			t.Errorf("AddScore = %d, %v", n, err)
		}
		pipe := rdb.Pipeline()
		c1 := s.AddScoreQueue(ctx, pipe, foo.AddScoreParams{BoardKey: "board", Player: "bob", Points: 7, MaxScore: 100})
		c2 := s.CreateFooQueue(ctx, pipe, foo.CreateFooParams{Size: 1, Members: []any{"x"}})
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := c1.Result(); err != nil || n != 7 {
			t.Errorf("AddScoreQueue = %d, %v", n, err)
		}
		if m, err := c2.Result(); err != nil || m["id"] != 2.0 {
			t.Errorf("CreateFooQueue = %v, %v", m, err)
		}
		_, err = s.BrokenFoo(ctx, foo.BrokenFooParams{Size: 1})
		var se *engine.ScriptError
		if !errors.As(err, &se) || se.Pos().String() != "lib/foo_keys.lua:8" {
			t.Errorf("BrokenFoo error = %v", err)
		}
	})
}

// TestCompilerChecks: a consumer that misspells a parameter or gives it
// the wrong type does not compile, and the compiler says where.
func TestCompilerChecks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a consumer")
	}
	for _, tc := range []struct{ code, want string }{
		{`foo.CreateFooParams{Sise: 5}`, "unknown field Sise in struct literal"},
		{`foo.CreateFooParams{Size: "five"}`, `cannot use "five" (untyped string constant) as int64 value in struct literal`},
		{`foo.AddScoreParams{BoardKey: 1}`, "cannot use 1 (untyped int constant) as string value in struct literal"},
	} {
		dir, err := os.MkdirTemp(".", "consumer-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		src := "package consumer\n\nimport \"github.com/redislua/redislua/examples/foo\"\n\nvar _ = " + tc.code + "\n"
		os.WriteFile(filepath.Join(dir, "c.go"), []byte(src), 0o644)
		out, err := exec.Command("go", "build", "./"+dir).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "c.go:5:") || !strings.Contains(string(out), tc.want) {
			t.Errorf("%s: build %v\n%s\nwant %q", tc.code, err, out, tc.want)
		}
	}
}

// TestGeneratedUpToDate: foo is what redis-lua gen writes for the
// example scripts today (go generate ./examples rewrites it).
func TestGeneratedUpToDate(t *testing.T) {
	if _, err := os.Stat("../cli/examples/lua"); err != nil {
		t.Skip("the scripts are not beside this module")
	}
	out, err := exec.Command("go", "run", "github.com/redislua/redislua/cli/cmd/redis-lua", "--dir", "../cli/examples/lua", "gen", "-o", "foo", "--check").CombinedOutput()
	if err != nil {
		t.Errorf("gen --check: %v\n%s", err, out)
	}
}

// BenchmarkCall: a generated call beside the engine call it wraps (a
// fresh values map per call, as code calling the engine writes it).
func BenchmarkCall(b *testing.B) {
	rdb := redistest.New(b).Client(b)
	ctx := context.Background()
	e := engine.New(rdb)
	s := foo.New(e)
	script, err := s.Script("add_score")
	if err != nil {
		b.Fatal(err)
	}
	keys, players := []string{"b1", "b2"}, []string{"ann", "bob", "cy"}
	b.Run("impl=engine", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			// Values of variables, as in real code (constants would be
			// boxed without allocating, on one side only).
			board, player, points, max := keys[i%len(keys)], players[i%len(players)], int64(i), int64(1<<40+i)
			if _, err := e.Run(ctx, script, map[string]any{"board_key": board, "player": player, "points": points, "max_score": max}).Int64(); err != nil {
				b.Fatal(err)
			}
		}
	})
	// go-redis's own EvalSha of the same script and values: the baseline
	// the typed paths meet in allocations (the script loaded first).
	if err := rdb.ScriptLoad(ctx, script.Source()).Err(); err != nil {
		b.Fatal(err)
	}
	b.Run("impl=goredis", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			board, player, points, max := keys[i%len(keys)], players[i%len(players)], int64(i), int64(1<<40+i)
			if _, err := rdb.EvalSha(ctx, script.SHA1(), []string{board}, player, points, max).Int64(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=generated", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			board, player, points, max := keys[i%len(keys)], players[i%len(players)], int64(i), int64(1<<40+i)
			if _, err := s.AddScore(ctx, foo.AddScoreParams{BoardKey: board, Player: player, Points: points, MaxScore: max}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
