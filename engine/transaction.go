package engine

import (
	"context"
	"errors"
	"slices"

	"github.com/redis/go-redis/v9"
)

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
			loads = append(loads, redis.NewStringCmd(ctx, "script", "load", c.variant().text))
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
