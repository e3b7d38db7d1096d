package engine

import (
	"context"
	"errors"
	"strings"

	"github.com/redis/go-redis/v9"
)

// noFunction reports whether the call is an FCALL answered "Function not
// found".
func (c *Call) noFunction() bool {
	err := c.cmd.Err()
	return err != nil && c.marker.fcall && strings.HasPrefix(err.Error(), "ERR Function not found")
}

// provenNoFunction returns those of calls (FCALL answered "Function not
// found") that did not run: FUNCTION LIST, asked after the reply of the
// node that answered (see answeredBy), names no library of the call's
// engine. Each node is asked once per library.
func provenNoFunction(ctx context.Context, calls []*Call) []*Call {
	if len(calls) == 0 {
		return nil
	}
	type libAt struct {
		node redis.Cmdable
		lib  string
	}
	known := map[libAt]bool{}
	var proven []*Call
	for _, c := range calls {
		lib := c.prep.engine.lib.Name
		nodes := c.answeredBy(ctx)
		lacks := len(nodes) > 0
		for _, node := range nodes {
			at := libAt{node, lib}
			v, ok := known[at]
			if !ok {
				libs, err := node.FunctionList(ctx, redis.FunctionListQuery{LibraryNamePattern: lib}).Result()
				v = err == nil && len(libs) == 0
				known[at] = v
			}
			lacks = lacks && v
		}
		if lacks {
			proven = append(proven, c)
		}
	}
	return proven
}

// LoadLibrary loads the library of an engine made WithFunctions onto its
// server (every master of a cluster, every shard of a ring) ahead of any
// call; a server that has it already is fine. Calls do not need it (they
// load the library when a server proves it missing); a deployment step
// does, so that the first calls find it. An engine without a library
// returns an error.
func (e *Engine) LoadLibrary(ctx context.Context) error {
	if e == nil || e.client == nil {
		return errNoClient
	}
	if e.lib == nil {
		return errors.New("the engine has no library: make it WithFunctions")
	}
	return e.loadLibrary(ctx)
}

// loadLibrary loads the engine's library onto the server (every master
// of a cluster, every shard of a ring); one that has it already is fine.
func (e *Engine) loadLibrary(ctx context.Context) error {
	load := func(ctx context.Context, c redis.Cmdable) error {
		err := c.FunctionLoad(ctx, e.lib.Code).Err()
		if err != nil && strings.Contains(err.Error(), "already exists") {
			return nil
		}
		return err
	}
	return eachServer(ctx, e.client, masters, load)
}
