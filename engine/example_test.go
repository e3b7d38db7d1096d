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
