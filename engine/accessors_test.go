package engine_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// TestAccessors: a script without %return reads like go-redis's Cmd (the
// same code given to rdb.Eval); with %return, through the declared type.
func TestAccessors(t *testing.T) {
	backends(t, func(t *testing.T, srv *redistest.Server) {
		rdb := srv.Client(t)
		e := engine.New(rdb)
		ctx := context.Background()
		for _, code := range []string{
			"return '3.5'", "return 7", "return {'a', 'b'}", "return {1, 'x'}", "return nil", "return redis.error_reply('NOPE no')",
		} {
			s, err := resolve.New(nil).Parse("s", code)
			if err != nil {
				t.Fatal(err)
			}
			call := e.Run(ctx, s, nil)
			raw := rdb.Eval(ctx, code, nil)
			same := func(what string, got, want any, gotErr, wantErr error) {
				t.Helper()
				if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) || (wantErr != nil && !errors.Is(gotErr, redis.Nil) != !errors.Is(wantErr, redis.Nil)) {
					t.Errorf("%s: %s = %#v, %v; go-redis: %#v, %v", code, what, got, gotErr, want, wantErr)
				}
			}
			for _, acc := range []struct {
				name       string
				ours, raws func() (any, error)
			}{
				{"Float64", func() (any, error) { return call.Float64() }, func() (any, error) { return raw.Float64() }},
				{"Int64", func() (any, error) { return call.Int64() }, func() (any, error) { return raw.Int64() }},
				{"Text", func() (any, error) { return call.Text() }, func() (any, error) { return raw.Text() }},
				{"Slice", func() (any, error) { return call.Slice() }, func() (any, error) { return raw.Slice() }},
				{"StringSlice", func() (any, error) { return call.StringSlice() }, func() (any, error) { return raw.StringSlice() }},
			} {
				got, gotErr := acc.ours()
				want, wantErr := acc.raws()
				same(acc.name, got, want, gotErr, wantErr)
			}
		}
		// Typed: a list script's JSON array.
		s, err := resolve.New(nil).Parse("l", "%return list\nreturn cjson.encode({'a', 'b'})")
		if err != nil {
			t.Fatal(err)
		}
		call := e.Run(ctx, s, nil)
		if l, err := call.StringSlice(); err != nil || fmt.Sprint(l) != "[a b]" {
			t.Errorf("typed StringSlice = %v, %v", l, err)
		}
		if l, err := call.Slice(); err != nil || !reflect.DeepEqual(l, []any{"a", "b"}) {
			t.Errorf("typed Slice = %#v, %v", l, err)
		}
		if _, err := call.Float64(); err == nil {
			t.Error("typed Float64 of a list: no error")
		}
		s, _ = resolve.New(nil).Parse("n", "%return number\nreturn tostring(2.5)")
		if f, err := e.Run(ctx, s, nil).Float64(); err != nil || f != 2.5 {
			t.Errorf("typed Float64 = %v, %v", f, err)
		}
	})
}
