package luatest_test

import (
	"context"
	"fmt"
	"os"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/cli/luatest"
	"github.com/redislua/redislua/conformance"
)

// Run the cases under a tree's testdata/ on an embedded Redis, with
// coverage; in a test, redistest.New(t) gives the server.
func Example() {
	srv, _ := miniredis.Run()
	defer srv.Close()
	client := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer client.Close()
	b := &conformance.Backend{Name: "embedded", URL: "redis://" + srv.Addr() + "/0", Client: client}

	files, err := luatest.Load("testdata/tree/testdata/counter.txtar")
	if err != nil {
		panic(err)
	}
	report, err := luatest.Run(context.Background(), os.DirFS("testdata/tree"), files, b, &luatest.Options{Cover: true})
	if err != nil {
		panic(err)
	}
	report.WriteText(os.Stdout)
	report.Coverage.WriteText(os.Stdout, "lua")
	fmt.Println(report.Coverage.Lines("lib/helper.lua"))
	// Output:
	// 2 passed, 0 failed
	// lua/counter.lua                          100.0% of 4 lines (4 run)
	// lua/lib/helper.lua                        83.3% of 6 lines (5 run)
	// map[1:2 2:2 3:1 5:1 6:0 8:1]
}
