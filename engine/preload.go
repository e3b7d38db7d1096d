package engine

import (
	"context"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/resolve"
)

// Preload loads scripts onto the server: every master of a cluster,
// every shard of a ring. Calls do not need it; it saves the first call
// of each script a round trip.
func (e *Engine) Preload(ctx context.Context, scripts ...*resolve.Script) error {
	load := func(ctx context.Context, c redis.Cmdable) error {
		cmds := make([]*redis.StringCmd, len(scripts))
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, s := range scripts {
				pr := e.prepare(s)
				v := pr.v[0]
				if pr.flagged && !e.runsShebang(ctx) {
					v = pr.v[1]
				}
				cmds[i] = p.ScriptLoad(ctx, v.text)
			}
			return nil
		})
		for i, cmd := range cmds {
			if cmd.Err() != nil {
				if se := scriptError(scripts[i], cmd.Err()); se != cmd.Err() {
					return se
				}
				return cmd.Err()
			}
		}
		return err
	}
	return eachServer(ctx, e.client, masters, load)
}
