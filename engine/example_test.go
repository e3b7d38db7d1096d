package engine_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
)

func Example() {
	m, _ := miniredis.Run()
	defer m.Close()
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()

	loader := resolve.New(fstest.MapFS{
		"add.lua": {Data: []byte("%key counter\n%arg step integer\n%return integer\nreturn redis.call('INCRBY', counter, step)\n")},
	})
	script, err := loader.Load("add")
	if err != nil {
		panic(err)
	}
	e := engine.New(rdb)
	ctx := context.Background()
	n, err := e.Run(ctx, script, map[string]any{"counter": "visits", "step": 5}).Int64()
	fmt.Println(n, err)

	_, err = e.Run(ctx, script, map[string]any{"countr": "visits", "step": "five"}).Result()
	fmt.Println(err)
	// Output:
	// 5 <nil>
	// script add: unknown "countr" (did you mean "counter"?); missing "counter"; argument step: want integer, got string "five"
}

func ExampleScriptError() {
	m, _ := miniredis.Run()
	defer m.Close()
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	loader := resolve.New(fstest.MapFS{
		"main.lua": {Data: []byte("%include \"lib\"\nreturn f()\n")},
		"lib.lua":  {Data: []byte("local function f()\n  return undefined_thing + 1\nend\n")},
	})
	script, _ := loader.Load("main")
	_, err := engine.New(rdb).Run(context.Background(), script, nil).Result()
	fmt.Printf("%+v\n", err)
	// Output:
	// lib.lua:2: Script attempted to access nonexistent global variable 'undefined_thing'
	// Lua traceback (most recent script last):
	//   Script "main", line 1
	//     %include "lib"
	//   Script "lib", line 2
	//     return undefined_thing + 1
}

// traceHook is a go-redis hook of the kind tracing and metrics install:
// it sees every command, and ScriptOf tells which script a call runs.
type traceHook struct{}

func (traceHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (traceHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if s, ok := engine.ScriptOf(cmd); ok {
			fmt.Printf("span %s: script %s\n", cmd.Name(), s.Name())
		}
		return next(ctx, cmd)
	}
}

func (traceHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, cmd := range cmds {
			if s, ok := engine.ScriptOf(cmd); ok {
				fmt.Printf("span %s (pipelined): script %s\n", cmd.Name(), s.Name())
			}
		}
		return next(ctx, cmds)
	}
}

// Hooks see which script runs: ScriptOf gives it, and the command's text
// names it ("evalsha add@<sha1> 1 visits 5"). The first call of a script
// on a fresh server is an EVALSHA answered NOSCRIPT, then the same
// again, pipelined after the SCRIPT LOAD of the script.
func ExampleScriptOf() {
	m, _ := miniredis.Run()
	defer m.Close()
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	rdb.AddHook(traceHook{})

	script, _ := resolve.New(nil).Parse("add", "%key counter\n%arg step integer\nreturn redis.call('INCRBY', counter, step)")
	n, err := engine.New(rdb).Run(context.Background(), script, map[string]any{"counter": "visits", "step": 5}).Int64()
	fmt.Println(n, err)
	// Output:
	// span evalsha: script add
	// span evalsha (pipelined): script add
	// 5 <nil>
}

// TranslateError gives code that runs a script with go-redis itself the
// traceback the engine gives (error_handler in the Python library).
func ExampleTranslateError() {
	m, _ := miniredis.Run()
	defer m.Close()
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()

	loader := resolve.New(fstest.MapFS{
		"lib.lua": {Data: []byte("local function check(n)\n  if n > 3 then error('too big') end\nend\n")},
	})
	script, _ := loader.Parse("main", "%include \"lib\"\ncheck(5)\nreturn 1")
	err := rdb.Eval(context.Background(), script.Source(), nil).Err()
	fmt.Printf("%+v\n", engine.TranslateError(script, err))
	// Output:
	// lib.lua:2: too big
	// Lua traceback (most recent script last):
	//   Script "main", line 1
	//     %include "lib"
	//   Script "lib", line 2
	//     if n > 3 then error('too big') end
}

func ExampleOrdered() {
	m, _ := miniredis.Run()
	defer m.Close()
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	loader := resolve.New(fstest.MapFS{
		"add.lua": {Data: []byte("%arg step integer\n%key counter\n%return integer\nreturn redis.call('INCRBY', counter, step)\n")},
	})
	script, _ := loader.Load("add")
	e := engine.New(rdb)
	ctx := context.Background()
	// Keys first, then arguments, whatever the order of the directives.
	n, err := e.Run(ctx, script, engine.Ordered{"visits", 5}).Int64()
	fmt.Println(n, err)
	_, err = e.Run(ctx, script, engine.Ordered{"visits"}).Result()
	fmt.Println(err)
	// Output:
	// 5 <nil>
	// script add: missing "step"
}

// Bind encodes a call's values as the engine sends them, for code that
// sends the script itself: keys first, then arguments.
func ExampleBind() {
	loader := resolve.New(fstest.MapFS{
		"add.lua": {Data: []byte("%arg step integer\n%key counter\n%arg tags list\nreturn 1\n")},
	})
	script, _ := loader.Load("add")
	encoded, err := engine.Bind(script, map[string]any{"counter": "c", "step": 2, "tags": []string{"a"}})
	fmt.Println(encoded, err)
	_, err = engine.Bind(script, map[string]any{"counter": "c", "stpe": 2})
	fmt.Println(err)
	// Output:
	// [c 2 ["a"]] <nil>
	// script add: unknown "stpe" (did you mean "step"?); missing "step", "tags"
}
