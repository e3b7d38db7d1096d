package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// pairValues are a call's values as a struct passed by value.
type pairValues struct {
	K    string
	V    string
	Tags []string
	Raw  any     // an untyped argument
	N    any     // an integer, boxed
	S    *string // a string, through a pointer
}

// TestStructByValueCopied queues calls whose values are structs passed
// by value or by pointer, then overwrites the stack they were built on
// before the pipeline runs: the values sent are the ones queued, nothing
// the command holds points into a dead frame.
func TestStructByValueCopied(t *testing.T) {
	fsys := fstest.MapFS{"pair.lua": {Data: []byte("%key k\n%arg v string\n%arg tags list\n%arg raw\n%arg n integer\n%arg s string\n%return list\nreturn {k, v, cjson.encode(tags), raw, tostring(n), s}\n")}}
	s, err := resolve.New(fsys).Load("pair")
	if err != nil {
		t.Fatal(err)
	}
	backends(t, func(t *testing.T, srv *redistest.Server) {
		c := srv.Client(t)
		e := engine.New(c)
		ctx := context.Background()
		p := c.Pipeline()
		calls := make([]*engine.Call, 64)
		for i := range calls {
			calls[i] = queueStruct(ctx, e, p, s, i)
		}
		if scribble(64) == 42 {
			t.Log("unlikely")
		}
		runtime.GC() // a pointer left into a dead frame would be met here too
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for i, c := range calls {
			got, err := c.StringSlice()
			want := []string{pairKey(i), strings.Repeat("v", i+1), `["t` + strconv.Itoa(i) + `"]`, "r" + strconv.Itoa(i), strconv.Itoa(1000 + i), "s" + strconv.Itoa(i)}
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("call %d = %q, %v; want %q", i, got, err, want)
			}
		}
	})
}

func pairKey(i int) string { return "pair:" + strconv.Itoa(i) }

// queueStruct queues call i with its values in a struct built in its
// frame: by value for even i, by pointer for odd i.
//
//go:noinline
func queueStruct(ctx context.Context, e *engine.Engine, p redis.Pipeliner, s *resolve.Script, i int) *engine.Call {
	var raw any = "r" + strconv.Itoa(i)
	var n any = 1000 + i
	str := "s" + strconv.Itoa(i)
	if i%2 == 1 {
		return e.Queue(ctx, p, s, &pairValues{K: pairKey(i), V: strings.Repeat("v", i+1), Tags: []string{"t" + strconv.Itoa(i)}, Raw: raw, N: n, S: &str})
	}
	return e.Queue(ctx, p, s, pairValues{K: pairKey(i), V: strings.Repeat("v", i+1), Tags: []string{"t" + strconv.Itoa(i)}, Raw: raw, N: n, S: &str})
}

// scribble overwrites n frames of stack below its caller.
//
//go:noinline
func scribble(n int) int {
	var buf [32]uint64
	for i := range buf {
		buf[i] = ^uint64(n * i)
	}
	if n == 0 {
		return int(buf[7])
	}
	return scribble(n-1) + int(buf[n%32])
}

// TestResultConcurrent: goroutines reading one call's result at once all
// get the same answer, a value or a decode error.
func TestResultConcurrent(t *testing.T) {
	fsys := fstest.MapFS{
		"n.lua":   {Data: []byte("%return integer\nreturn 42\n")},
		"bad.lua": {Data: []byte("%return integer\nreturn 'forty-two'\n")},
	}
	srv := redistest.Embedded(t)
	e := engine.New(srv.Client(t))
	ctx := context.Background()
	for _, name := range []string{"n", "bad"} {
		s, err := resolve.New(fsys).Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			c := e.Run(ctx, s, nil)
			var wg sync.WaitGroup
			results := make([]string, 8)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := c.Result()
					results[i] = fmt.Sprint(v, err)
				}()
			}
			wg.Wait()
			for _, r := range results[1:] {
				if r != results[0] {
					t.Fatalf("%s: results differ: %q", name, results)
				}
			}
			if want := map[string]string{"n": "42 <nil>"}[name]; want != "" && results[0] != want {
				t.Fatalf("%s: %s, want %s", name, results[0], want)
			}
			if name == "bad" && !strings.Contains(results[0], "reply does not fit") {
				t.Fatalf("bad: %s, want a decode error", results[0])
			}
		}
	}
}
