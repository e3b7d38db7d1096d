package engine

import (
	"context"

	"github.com/redislua/redislua/resolve"
)

// Run runs script s with the named values on the engine's client and
// waits for the reply.
func (e *Engine) Run(ctx context.Context, s *resolve.Script, values Values) *Call {
	c := e.newCall(ctx, s, values)
	if c.early != nil {
		return c
	}
	if c.prep.fn != nil {
		c.useFCall()
	}
	// The first send, and at most one more for a call the server
	// proves it refused for want of the script or function.
	_ = e.client.Process(ctx, &c.cmd)
	if c.missing() && len(recoverCalls(ctx, []*Call{c})) == 1 {
		resend(ctx, e.client, []*Call{c})
		if c.missing() && !c.marker.notRun {
			recoverCalls(ctx, []*Call{c}) // refused again: not run, proven
		}
	}
	return c
}
