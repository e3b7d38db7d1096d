package engine

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// callOf returns the engine call (of any engine of the hook's client)
// that a queued command is, or nil.
func (h pipelineHook) callOf(cmd redis.Cmder) *Call {
	if c := callIn(cmd); c != nil && c.prep.engine.client == h.client {
		return c
	}
	return nil
}

// pipelineHook keeps NOSCRIPT out of the pipelines and transactions of
// a client, and tells the calls of a transaction that EXEC did not run.
// The first engine made on a client adds it; it serves the calls of
// every engine of that client, each through its own engine (its
// library, its script forms).
type pipelineHook struct {
	client redis.UniversalClient
	kind   clientKind
}

func (h pipelineHook) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h pipelineHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (h pipelineHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		first := -1
		for i, cmd := range cmds {
			if h.callOf(cmd) != nil {
				first = i
				break
			}
		}
		if first < 0 {
			return next(ctx, cmds)
		}
		// calls lists the engine's calls of the pipeline, from its first.
		calls := func(keep func(*Call) bool) []*Call {
			var out []*Call
			for _, cmd := range cmds[first:] {
				if c := h.callOf(cmd); c != nil && keep(c) {
					if out == nil {
						// Room for every command left: one allocation
						// where a transaction keeps them all.
						out = make([]*Call, 0, len(cmds)-first)
					}
					out = append(out, c)
				}
			}
			return out
		}
		all := func(*Call) bool { return true }
		if len(cmds) > 1 && cmds[0].Name() == "multi" {
			mine := calls(all)
			err := h.transaction(ctx, next, cmds, mine)
			settle(mine, err)
			return err
		}
		err := next(ctx, cmds)
		if err != nil {
			settle(calls(all), err)
		}
		// Proven not executed: send these again once their script or
		// library is loaded. The resend passes through this hook too,
		// which does not send them a third time.
		again := recoverCalls(ctx, calls((*Call).missing))
		if len(again) == 0 {
			return err
		}
		resend(ctx, h.client, again)
		for _, cmd := range cmds {
			if err := cmd.Err(); err != nil {
				return err
			}
		}
		return nil
	}
}

// settle gives the pipeline's error to calls that go-redis left without
// a reply or an error (it gives up retrying a pipeline whose connection
// cannot be made without marking its commands).
func settle(calls []*Call, err error) {
	if err == nil {
		return
	}
	for _, c := range calls {
		if c.pending() {
			c.cmd.SetErr(err)
		}
	}
}
