package engine

import (
	"context"
	"errors"
	"slices"

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

// transaction makes NOSCRIPT impossible inside EXEC: on a single server
// each script of the transaction is loaded by a SCRIPT LOAD queued right
// after MULTI, so that it runs atomically before the calls. Where a
// keyless SCRIPT LOAD could be routed to another server (a cluster, a
// ring, a client of unknown kind), the calls use EVAL. When EXEC did not
// run the transaction (a WATCHed key changed, EXECABORT after a command
// was refused while queued), no call ran: each says so.
func (h pipelineHook) transaction(ctx context.Context, next redis.ProcessPipelineHook, cmds []redis.Cmder, calls []*Call) error {
	for _, c := range calls {
		if c.marker.fcall {
			c.useScript()
		}
	}
	var err error
	if h.kind != kindSingle {
		for _, c := range calls {
			c.useEval()
		}
		err = next(ctx, cmds)
	} else {
		err = h.loadAndRun(ctx, next, cmds, calls)
	}
	if exec := cmds[len(cmds)-1]; exec.Name() == "exec" {
		if xerr := exec.Err(); errors.Is(xerr, redis.TxFailedErr) || redis.IsExecAbortError(xerr) {
			for _, c := range calls {
				c.marker.notRun = true
				if c.cmd.Err() == nil {
					c.cmd.SetErr(xerr)
				}
			}
		}
	}
	return err
}

// loadAndRun queues a SCRIPT LOAD of each script of the transaction
// right after MULTI.
func (h pipelineHook) loadAndRun(ctx context.Context, next redis.ProcessPipelineHook, cmds []redis.Cmder, calls []*Call) error {
	var loads []*redis.StringCmd
	var loaded []*variant
	for _, c := range calls {
		if !slices.Contains(loaded, c.variant()) {
			loaded = append(loaded, c.variant())
			loads = append(loads, redis.NewStringCmd(ctx, "script", "load", c.variant().body))
		}
	}
	all := make([]redis.Cmder, 0, len(cmds)+len(loads))
	all = append(all, cmds[0])
	for _, l := range loads {
		all = append(all, l)
	}
	all = append(all, cmds[1:]...)
	err := next(ctx, all)
	for i, l := range loads {
		if l.Err() == nil {
			continue
		}
		// The script did not compile: its calls got NOSCRIPT; give them
		// the compile error instead.
		for _, c := range calls {
			if c.variant() == loaded[i] && c.noScript() {
				c.cmd.SetErr(l.Err())
			}
		}
	}
	return err
}
