// Command examples runs the example scripts (cli/examples/lua) through
// the package redis-lua gen wrote for them (foo): typed parameters, typed
// results, checked by the compiler. It uses REDIS_URL, or an embedded
// in-memory Redis without one.
//
//	go run ./examples
package main

//go:generate go run github.com/redislua/redislua/cli/cmd/redis-lua --dir ../cli/examples/lua gen -o foo

import (
	"context"
	"fmt"
	"os"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/examples/foo"
)

func main() {
	if err := run(context.Background(), os.Getenv("REDIS_URL")); err != nil {
		fmt.Fprintf(os.Stderr, "%+v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url string) error {
	opt := &redis.Options{}
	if url == "" {
		m, err := miniredis.Run()
		if err != nil {
			return err
		}
		defer m.Close()
		opt.Addr = m.Addr()
	} else {
		var err error
		if opt, err = redis.ParseURL(url); err != nil {
			return err
		}
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	scripts := foo.New(engine.New(rdb))

	// The map form, engine.Run(ctx, script, map[string]any{"size": 5, ...}),
	// finds a misspelt name at run time; this one does not compile.
	created, err := scripts.CreateFoo(ctx, foo.CreateFooParams{Size: 5, Members: []any{"john", "susan", "bob"}})
	if err != nil {
		return err
	}
	fmt.Println("created", created["id"], created["size"])

	limit, err := scripts.RateLimit(ctx, foo.RateLimitParams{BucketKey: "bucket:api", Capacity: 10, Rate: 1, Cost: 3})
	if err != nil {
		return err
	}
	fmt.Println("allowed", limit["allowed"], "remaining", limit["remaining"])
	return nil
}
