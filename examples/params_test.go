package main

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/examples/foo"
)

// TestGeneratedParams: a list argument takes any slice as it is (a
// []string did not compile: the field was []any); a key left at its
// zero value is an *engine.ArgsError before anything is sent (it was
// sent as the key "").
func TestGeneratedParams(t *testing.T) {
	backends(t, func(t *testing.T, rdb *redis.Client) {
		ctx := context.Background()
		s := foo.New(engine.New(rdb))
		for _, members := range []any{[]string{"a", "b"}, []int64{1, 2}, []any{"a", 2}, [2]string{"a", "b"}} {
			got, err := s.CreateFoo(ctx, foo.CreateFooParams{Size: 2, Members: members})
			if err != nil || len(got["members"].([]any)) != 2 {
				t.Errorf("CreateFoo with members %#v = %v, %v", members, got, err)
			}
		}
		if _, err := s.CreateFoo(ctx, foo.CreateFooParams{Size: 2, Members: "a"}); !errors.Is(err, engine.ErrNotExecuted) {
			t.Errorf("CreateFoo with a string for the list: %v", err)
		}
		check := func(what string, err error) {
			t.Helper()
			var ae *engine.ArgsError
			if !errors.As(err, &ae) || !slices.Equal(ae.Missing, []string{"board_key"}) || !errors.Is(err, engine.ErrNotExecuted) ||
				err.Error() != `script add_score: missing "board_key"` {
				t.Errorf("%s with no key: %v", what, err)
			}
		}
		_, err := s.AddScore(ctx, foo.AddScoreParams{Player: "ann", Points: 1, MaxScore: 10})
		check("AddScore", err)
		pipe := rdb.Pipeline()
		call := s.AddScoreQueue(ctx, pipe, foo.AddScoreParams{Player: "ann", Points: 1, MaxScore: 10})
		if n := pipe.Len(); n != 0 {
			t.Errorf("AddScoreQueue with no key queued %d commands", n)
		}
		_, err = call.Result()
		check("AddScoreQueue", err)
		if n, err := rdb.Exists(ctx, "").Result(); err != nil || n != 0 {
			t.Errorf("the key \"\" exists: %d, %v", n, err)
		}
	})
}
