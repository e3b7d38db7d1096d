package engine

import (
	"context"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/resolve"
)

// Queue adds a call of script s to a pipeline or a transaction
// (MULTI/EXEC) made from the engine's client. Its result is ready after
// the pipeline's Exec. A call whose values do not fit the script is not
// queued; its Err says why.
func (e *Engine) Queue(ctx context.Context, p redis.Pipeliner, s *resolve.Script, values Values) *Call {
	if p == nil {
		return failed(&CallError{Outcome: ErrNotExecuted, Err: errNilPipeliner})
	}
	c := e.newCall(ctx, s, values)
	if c.early != nil {
		return c
	}
	if c.prep.fn != nil {
		c.useFCall() // a transaction turns it back into a script call
	}
	_ = p.Process(ctx, &c.cmd)
	return c
}
