package luatest

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/cli/luacover"
	"github.com/redislua/redislua/conformance"
	"github.com/redislua/redislua/resolve"
)

// coverRunner answers load and map requests through Runner, and runs
// the calls instrumented (luacover) on client, the backend's server,
// adding their counts to cov. Every mode runs as EVAL: through
// functions too.
type coverRunner struct {
	conformance.Runner
	client redis.UniversalClient
	cov    *luacover.Coverage
}

func (r *coverRunner) Do(ctx context.Context, req conformance.Request) conformance.Response {
	if req.Op != "run" {
		return r.Runner.Do(ctx, req)
	}
	fsys := fstest.MapFS{}
	for name, text := range req.Files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	l := resolve.New(fsys)
	for _, name := range slices.Sorted(maps.Keys(req.Memory)) {
		if err := l.Add(strings.TrimSuffix(name, resolve.Ext), req.Memory[name]); err != nil {
			return r.Runner.Do(ctx, req) // the runner's own load error
		}
	}
	s, err := l.Load(req.Name)
	if err != nil {
		return r.Runner.Do(ctx, req)
	}
	values, err := conformance.ArgValues(req.Args)
	if err != nil {
		return conformance.Response{Error: &conformance.WireError{Kind: "protocol", Message: "args: " + err.Error()}}
	}
	var results []any
	switch req.Mode {
	case "pipeline", "multi":
		p := r.client.Pipeline()
		if req.Mode == "multi" {
			p = r.client.TxPipeline()
		}
		var calls []*luacover.Pending
		for range max(req.Repeat, 1) {
			// Values are read again for each call: the codec keeps none.
			calls = append(calls, luacover.Queue(ctx, r.client, p, s, values, r.cov))
		}
		p.Exec(ctx)
		for _, c := range calls {
			v, err := c.Result()
			if err != nil {
				return conformance.Response{Error: conformance.CallError(err)}
			}
			results = append(results, v)
		}
		return marshal(results)
	default:
		v, err := luacover.Call(ctx, r.client, s, values, r.cov)
		if err != nil {
			return conformance.Response{Error: conformance.CallError(err)}
		}
		return marshal(v)
	}
}

func marshal(v any) conformance.Response {
	data, err := json.Marshal(v)
	if err != nil {
		return conformance.Response{Error: &conformance.WireError{Kind: "decode", Message: err.Error()}}
	}
	return conformance.Response{OK: true, Result: data}
}
