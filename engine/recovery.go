package engine

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Recovery from a server that lacks a call's script (NOSCRIPT to
// EVALSHA) or function ("Function not found" to FCALL). Either reply is
// a refusal only if the server says so after it: the script could have
// answered the same text itself, from its code or from data (see
// judge). A call proven refused is sent once more, after SCRIPT LOAD or
// FUNCTION LOAD (as EVAL on a client of unknown kind); a call that meets
// the same refusal after that resend is not sent a third time:
// ErrNotExecuted, proven as the first.

// noScript reports whether the call is an EVALSHA answered NOSCRIPT.
func (c *Call) noScript() bool {
	err := c.cmd.Err()
	return err != nil && c.sendsSHA() && strings.HasPrefix(err.Error(), "NOSCRIPT")
}

// missing reports whether the call's last reply says the server lacks
// its script or function.
func (c *Call) missing() bool { return c.refusedFor(c.cmd.Err()) }

// refusedFor reports whether err, as the call's reply, says the server
// lacks the call's script or function.
func (c *Call) refusedFor(err error) bool {
	switch {
	case err == nil:
		return false
	case c.sendsSHA():
		return strings.HasPrefix(err.Error(), "NOSCRIPT")
	case c.marker.fcall:
		return strings.HasPrefix(err.Error(), "ERR Function not found")
	}
	return false
}

// resent reports whether the call was sent again after a proven refusal.
func (c *Call) resent() bool { return c.marker.state.Load()&markResent != 0 }

// recoverCalls sorts out calls whose last reply says the server lacks
// their script or function (others are left alone): those the server
// proves did not run are made ready for their one resend and returned;
// those already resent are marked not run instead. The calls may belong
// to different engines of one client: each is served by its own (its
// library, its nodes). Before the resend, the scripts are loaded where
// they stay loaded (SCRIPT LOAD: Redis 7.4 and Valkey 8.1 evict scripts
// sent with EVAL, not those): on a cluster or ring here, on the node that
// answered (every node when none was noted); on a single server in the
// resend's own pipeline (see resend); through go-redis's auto-pipeliner,
// with its own SCRIPT LOAD, which reaches every server it wraps. Only
// another client of unknown kind, whose SCRIPT LOAD could reach another
// server than its calls, gets EVAL. A library is loaded with FUNCTION
// LOAD.
func recoverCalls(ctx context.Context, calls []*Call) []*Call {
	var scripts, functions []*Call
	for _, c := range calls {
		switch {
		case c.noScript():
			scripts = append(scripts, c)
		case c.noFunction():
			functions = append(functions, c)
		}
	}
	var again []*Call
	libs := map[*Engine]error{} // FUNCTION LOAD's answer, once per engine
	loads := map[loadAt]error{} // SCRIPT LOAD's answer, once per node and script
	for _, c := range append(provenNoScript(ctx, scripts), provenNoFunction(ctx, functions)...) {
		if c.resent() {
			c.marker.notRun = true
			continue
		}
		var err error
		switch kind := c.prep.engine.kind; {
		case c.marker.fcall:
			e := c.prep.engine
			var done bool
			if err, done = libs[e]; !done {
				err = e.loadLibrary(ctx)
				libs[e] = err
			}
		case kind == kindCluster || kind == kindRing || isAutoPipeliner(c.prep.engine.client):
			at := loadAt{c.variant(), c.node}
			var done bool
			if err, done = loads[at]; !done {
				err = c.loadOnNodes(ctx)
				loads[at] = err
			}
		case kind == kindUnknown:
			c.useEval()
		}
		if err != nil {
			// The script or library did not load (it does not compile,
			// say): the call did not run, and that is its answer.
			c.cmd.SetErr(err)
			continue
		}
		c.cmd.Cmd.SetErr(nil) // the refusal is spent; not an attempt's outcome
		c.marker.forget()
		c.marker.state.Or(markResent)
		c.cmd.granted.Store(c.cmd.replies.Load())
		again = append(again, c)
	}
	return again
}

// isAutoPipeliner reports go-redis's auto-pipeliner, whose SCRIPT LOAD
// goes to the client it wraps (every node of a cluster): its calls can be
// sent again after SCRIPT LOAD. Other clients of unknown kind get EVAL.
func isAutoPipeliner(c redis.UniversalClient) bool {
	_, ok := c.(*redis.AutoPipeliner)
	return ok
}

// loadAt is a script loaded on a node (nil: on every node).
type loadAt struct {
	v    *variant
	node *redis.Client
}

// loadOnNodes loads a call's script on the node of a cluster or ring that
// answered it, or on every node when none was noted.
func (c *Call) loadOnNodes(ctx context.Context) error {
	load := func(ctx context.Context, n redis.Cmdable) error {
		return n.ScriptLoad(ctx, c.variant().text).Err()
	}
	if c.node != nil {
		return load(ctx, c.node)
	}
	return eachServer(ctx, c.prep.engine.client, allNodes, load)
}

// resend sends calls made ready by recoverCalls in one pipeline of
// client; on a single server, after a SCRIPT LOAD of each of their
// scripts in that pipeline. A script that does not compile gives its
// calls the compile error.
func resend(ctx context.Context, client redis.UniversalClient, calls []*Call) {
	p := client.Pipeline()
	var loads []*redis.StringCmd
	var loaded []*variant
	for _, c := range calls {
		if c.prep.engine.kind == kindSingle && c.sendsSHA() && !slices.Contains(loaded, c.variant()) {
			loaded = append(loaded, c.variant())
			loads = append(loads, p.ScriptLoad(ctx, c.variant().text))
		}
	}
	for _, c := range calls {
		_ = p.Process(ctx, &c.cmd)
	}
	_, err := p.Exec(ctx)
	settle(calls, err)
	for i, l := range loads {
		if l.Err() == nil {
			continue
		}
		for _, c := range calls {
			if c.variant() == loaded[i] && c.noScript() {
				c.marker.notRun = false // the compile error says more than the proof
				c.cmd.SetErr(l.Err())
			}
		}
	}
}

// provenNoScript returns those of calls (EVALSHA answered NOSCRIPT) that
// did not run: SCRIPT EXISTS, asked after the reply of the node that
// answered (see answeredBy), says it lacks the script, so it cannot
// have run it. Each node is asked once, naming every script of calls
// sent there.
//
// Calls refused together (after SCRIPT FLUSH, on a new node) must each
// be proven, though the first to be sent again loads the script for
// all: so a SCRIPT EXISTS of another call counts too when it was
// sent after this call's reply came back, and the calls proven wait
// two round trips before they go out again, so that the replies still
// on their way come back and ask first. Both are for liveness alone: a
// call is proven by a SCRIPT EXISTS sent after its reply, however long
// the wait.
func provenNoScript(ctx context.Context, calls []*Call) []*Call {
	if len(calls) == 0 {
		return nil
	}
	type ask struct {
		e    *Engine
		node redis.Cmdable
	}
	var asks []ask
	shas := map[ask][]string{}
	candidates := make([][]redis.Cmdable, len(calls))
	var back uint64 // a step after every reply of calls came back
	for i, c := range calls {
		e := c.prep.engine
		if back == 0 {
			back = steps.Add(1)
		}
		candidates[i] = c.answeredBy(ctx)
		for _, node := range candidates[i] {
			a := ask{e, node}
			if _, ok := shas[a]; !ok {
				asks = append(asks, a)
			}
			if sha := string(c.variant().sha); !slices.Contains(shas[a], sha) {
				shas[a] = append(shas[a], sha)
			}
		}
	}
	var wait time.Duration
	for _, a := range asks {
		sent := steps.Add(1)
		start := time.Now()
		exists, err := a.node.ScriptExists(ctx, shas[a]...).Result()
		if err != nil || len(exists) != len(shas[a]) {
			continue // no answer: not proven
		}
		for i, sha := range shas[a] {
			if !exists[i] {
				a.e.absent.saw(a.node, sha, sent)
				wait = max(wait, 2*time.Since(start))
			}
		}
	}
	var proven []*Call
	for i, c := range calls {
		ok := len(candidates[i]) > 0
		for _, node := range candidates[i] {
			ok = ok && c.prep.engine.absent.since(node, string(c.variant().sha), back)
		}
		if ok {
			proven = append(proven, c)
		}
	}
	if wait > 0 && len(proven) > 0 {
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
		}
		timer.Stop()
	}
	return proven
}

// steps orders the proofs: a counter the recovery path alone advances.
var steps atomic.Uint64

// absences records, per node and script, when a SCRIPT EXISTS last found
// the script missing: the step at which it was sent.
type absences struct {
	mu sync.Mutex
	at map[absence]uint64
}

type absence struct {
	node redis.Cmdable
	sha  string
}

// saw records that a SCRIPT EXISTS sent at step found sha missing on node.
func (a *absences) saw(node redis.Cmdable, sha string, step uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.at == nil {
		a.at = map[absence]uint64{}
	}
	k := absence{node, sha}
	a.at[k] = max(a.at[k], step)
}

// since reports whether a SCRIPT EXISTS sent after step found sha missing
// on node.
func (a *absences) since(node redis.Cmdable, sha string, step uint64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.at[absence{node, sha}] > step
}

// answeredBy returns the servers one of which answered the call: the
// engine's client when it is one server (or of unknown kind); on a
// cluster or ring, the node its nodeHook noted, or, when none did (a
// node made before the engine could hook it), every node (replicas too:
// a read-only call may go there), each of which must then lack the
// script. Nil when they cannot be
// listed: nothing can be proven.
func (c *Call) answeredBy(ctx context.Context) []redis.Cmdable {
	if c.node != nil {
		return []redis.Cmdable{c.node}
	}
	var nodes []redis.Cmdable
	var mu sync.Mutex
	err := eachServer(ctx, c.prep.engine.client, allNodes, func(ctx context.Context, n redis.Cmdable) error {
		mu.Lock()
		defer mu.Unlock()
		nodes = append(nodes, n)
		return nil
	})
	if err != nil {
		return nil
	}
	return nodes
}
