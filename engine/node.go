package engine

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Which node of a cluster or ring answered a call: the proof that a
// NOSCRIPT or "Function not found" was a refusal asks that node, and no
// other, whether it has the script or library (a slot's old owner, which
// may have run the script, and its new one, which lacks it, differ while
// the slot moves). go-redis does not say which node answered a command,
// so a hook on each node's client notes it on the call.

// nodeHook notes its node on the engine calls it answers NOSCRIPT or
// "Function not found".
type nodeHook struct{ node *redis.Client }

func (h nodeHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h nodeHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.note(cmd, err) // go-redis sets err on cmd after the hooks
		return err
	}
}

func (h nodeHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			h.note(cmd, cmd.Err())
		}
		return err
	}
}

func (h nodeHook) note(cmd redis.Cmder, err error) {
	if c := callIn(cmd); c != nil && c.refusedFor(err) {
		c.node = h.node
	}
}

// nodesHooked records the node clients that have a nodeHook.
var nodesHooked sync.Map // *redis.Client → struct{}

func hookNode(n *redis.Client) {
	if _, loaded := nodesHooked.LoadOrStore(n, struct{}{}); !loaded {
		n.AddHook(nodeHook{n})
	}
}

// hookNodes gives every node of a cluster or ring client a nodeHook:
// those it makes from now on, and, once per engine, those it has
// already (asking the client for its nodes, so on the first call, not in
// New, which does no I/O).
func (e *Engine) hookNodes(ctx context.Context) {
	if e.nodesHooked.Load() {
		return
	}
	err := eachServer(ctx, e.client, allNodes, func(ctx context.Context, n redis.Cmdable) error {
		if n, ok := n.(*redis.Client); ok {
			hookNode(n)
		}
		return nil
	})
	if err == nil {
		e.nodesHooked.Store(true)
	}
}

// servers says which servers of a cluster eachServer visits.
type servers int

const (
	masters  servers = iota // a cluster's masters
	allNodes                // every node of a cluster, replicas too
)

// eachServer calls fn, concurrently, for each server of client: the
// masters or all the nodes of a cluster, the shards of a ring; for any
// other client, once, with the client. The one place that chooses the
// servers by the kind of client.
func eachServer(ctx context.Context, client redis.UniversalClient, which servers, fn func(context.Context, redis.Cmdable) error) error {
	node := func(ctx context.Context, n *redis.Client) error { return fn(ctx, n) }
	switch c := client.(type) {
	case *redis.ClusterClient:
		if which == allNodes {
			return c.ForEachShard(ctx, node)
		}
		return c.ForEachMaster(ctx, node)
	case *redis.Ring:
		return c.ForEachShard(ctx, node)
	}
	return fn(ctx, client)
}
