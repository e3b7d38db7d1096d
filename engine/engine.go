package engine

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/resolve"
)

// Engine runs scripts on one go-redis client: a Client, ClusterClient,
// Ring or failover client, and the pipelines and transactions made from
// it. It is safe for concurrent use. Make one per client.
//
// What it guarantees:
//
//   - EVALSHA first; the body goes over the wire only when the server
//     lacks the script. NOSCRIPT never reaches the caller: after SCRIPT
//     FLUSH, on a cluster node that has never seen the script, in a
//     pipeline (calls refused with NOSCRIPT are sent again with EVAL after
//     the pipeline) and in MULTI/EXEC (the transaction loads its scripts
//     itself, so NOSCRIPT cannot happen inside EXEC; on a cluster the
//     calls of a transaction use EVAL).
//   - At most once: a call is never executed twice, whatever the client's
//     MaxRetries. go-redis resends a command after a lost connection or a
//     read timeout (its shouldRetry); the engine lets it resend only when
//     the request never left, or when the server refused it before running
//     it (NOSCRIPT, MOVED, ASK, TRYAGAIN, CLUSTERDOWN, LOADING, READONLY,
//     BUSY...). Otherwise the call fails with an error that is
//     ErrOutcomeUnknown under errors.Is. See CallError.
//   - On a cluster, the keys of a call must hash to one slot; it is
//     checked before sending (CrossSlotError).
type Engine struct {
	client  redis.UniversalClient
	cluster bool
	scripts sync.Map // *resolve.Script → *prepared
	last    atomic.Pointer[prepared]
}

// prepared is what every call of a script shares.
type prepared struct {
	engine    *Engine
	script    *resolve.Script
	sha, body []byte // the script's SHA1 and source, shared: never written
}

// readOnlyBytes returns the bytes of s without copying them. go-redis
// only reads an argument's bytes (it copies them into its write buffer),
// so a script's source is not held twice: a 10 MB script stays 10 MB.
func readOnlyBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// hooked records the clients that have the engine's pipeline hook. It
// holds them: a client is long-lived, and a collected client's address
// must not be mistaken for a new one's.
var hooked sync.Map // redis.UniversalClient → struct{}

// New returns an engine of client. The first engine of a client adds a
// hook to it that keeps NOSCRIPT out of its pipelines and transactions;
// the hook touches only engine calls, of any engine of that client.
// Engines are cheap, but one per client, shared, is the intended use.
func New(client redis.UniversalClient) *Engine {
	e := &Engine{client: client}
	_, e.cluster = client.(*redis.ClusterClient)
	if _, loaded := hooked.LoadOrStore(client, struct{}{}); !loaded {
		client.AddHook(pipelineHook{e})
	}
	return e
}

// Client returns the engine's client.
func (e *Engine) Client() redis.UniversalClient { return e.client }

func (e *Engine) prepare(s *resolve.Script) *prepared {
	if last := e.last.Load(); last != nil && last.script == s {
		return last
	}
	p, ok := e.scripts.Load(s)
	if !ok {
		p, _ = e.scripts.LoadOrStore(s, &prepared{engine: e, script: s, sha: readOnlyBytes(s.SHA1()), body: readOnlyBytes(s.Source())})
	}
	e.last.Store(p.(*prepared))
	return p.(*prepared)
}

// Call is one call of a script. After Run it holds the reply; after
// Queue, once the pipeline or transaction has been executed.
type Call struct {
	cmd    redis.Cmd
	marker marker
	prep   *prepared // the engine and the script, prepared
	err    error     // an error found before sending
	buf    [6]any    // the command's arguments when they are few
	once   sync.Once
	val    any
	valErr error
}

// marker stands for the SHA1 (EVALSHA) or the body (EVAL) in a call's
// arguments. go-redis asks it for its bytes each time it writes the
// request: the second time, after a reply was lost, it refuses, so that
// nothing is sent and go-redis stops retrying.
type marker struct {
	call    *Call
	eval    bool        // the payload is the body (EVAL), not the SHA1
	sent    atomic.Bool // the request was written at least once
	refused atomic.Bool // a resend was refused: the outcome is unknown
	// consumed is the refusal reply that allowed the last resend: seen
	// again, it is stale (the resend's own reply was lost).
	consumed error
}

// MarshalBinary gives go-redis the argument's bytes.
func (m *marker) MarshalBinary() ([]byte, error) {
	if m.sent.Load() {
		err := m.call.cmd.Err()
		if !rejected(err) || err == m.consumed {
			m.refused.Store(true)
			return nil, errResendRefused
		}
		m.consumed = err
	}
	m.sent.Store(true)
	if m.eval {
		return m.call.prep.body, nil
	}
	return m.call.prep.sha, nil
}

// String is what go-redis prints for the argument (cmd.String()).
func (m *marker) String() string { return string(m.call.prep.sha) }

// newCall binds the values of a call and prepares its command.
func (e *Engine) newCall(ctx context.Context, s *resolve.Script, values any) *Call {
	c := &Call{prep: e.prepare(s)}
	c.marker.call = c
	nk, na := len(s.Keys()), len(s.Args())
	args := c.buf[:0]
	if n := 3 + nk + na; n > len(c.buf) {
		args = make([]any, 0, n)
	}
	args = append(args, "evalsha", &c.marker, nk)
	args = args[:3+nk+na]
	if err := bind(s, values, args[3:]); err != nil {
		c.err = err
		return c
	}
	if e.cluster && nk > 1 {
		if err := checkSlots(s, args[3:3+nk]); err != nil {
			c.err = err
			return c
		}
	}
	c.cmd = *redis.NewCmd(ctx, args...)
	return c
}

func checkSlots(s *resolve.Script, keys []any) error {
	slots := make([]int, len(keys))
	same := true
	for i, k := range keys {
		slots[i] = Slot(keyText(k))
		same = same && slots[i] == slots[0]
	}
	if same {
		return nil
	}
	e := &CrossSlotError{Script: s.Name(), Slots: slots}
	for i, p := range s.Keys() {
		e.Keys = append(e.Keys, p.Name)
		e.Values = append(e.Values, keyText(keys[i]))
	}
	return e
}

func keyText(k any) string {
	switch v := k.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

// toEval turns the call into EVAL with the body, after NOSCRIPT proved
// that it did not run: the EVAL is a first send. The NOSCRIPT reply can
// no longer justify a resend.
func (c *Call) toEval() {
	args := c.cmd.Args()
	args[0] = "eval"
	c.marker.eval = true
	c.marker.consumed = c.cmd.Err()
	c.marker.sent.Store(false)
}

// noScript reports whether the call is an EVALSHA that the server refused
// with NOSCRIPT.
func (c *Call) noScript() bool {
	args := c.cmd.Args()
	return args[0] == "evalsha" && isNoScript(c.cmd.Err())
}

// Run runs script s with the named values on the engine's client and
// waits for the reply.
func (e *Engine) Run(ctx context.Context, s *resolve.Script, values Values) *Call {
	c := e.newCall(ctx, s, values)
	if c.err != nil {
		return c
	}
	_ = e.client.Process(ctx, &c.cmd)
	if c.noScript() {
		c.toEval()
		_ = e.client.Process(ctx, &c.cmd)
	}
	return c
}

// Queue adds a call of script s to a pipeline or a transaction
// (MULTI/EXEC) made from the engine's client. Its result is ready after
// the pipeline's Exec. A call whose values do not fit the script is not
// queued; its Err says why.
func (e *Engine) Queue(ctx context.Context, p redis.Pipeliner, s *resolve.Script, values Values) *Call {
	c := e.newCall(ctx, s, values)
	if c.err != nil {
		return c
	}
	_ = p.Process(ctx, &c.cmd)
	return c
}

// Script returns the script of the call.
func (c *Call) Script() *resolve.Script { return c.prep.script }

// Result returns the reply decoded by the script's %return type (see
// codec.Decode), or the error of the call: an *ArgsError or
// *CrossSlotError before sending, a *ScriptError raised by the script, a
// *CallError for a connection problem, a *DecodeError for a reply that
// does not fit, or a redis.Error from the script's redis.error_reply.
func (c *Call) Result() (any, error) {
	if c.pending() {
		// Not memoized: a queued call gets its reply later.
		return c.reply()
	}
	c.once.Do(c.decode)
	return c.val, c.valErr
}

// pending reports whether the call has neither a reply nor an error yet:
// queued and not executed, or dropped by go-redis without a word.
func (c *Call) pending() bool {
	return c.err == nil && c.cmd.Err() == nil && c.cmd.Val() == nil
}

// errNoReply is the error of a call that has no reply.
var errNoReply = errors.New("no reply: the call was not executed (is the pipeline's Exec done?)")

// Val returns the decoded reply, nil on error.
func (c *Call) Val() any {
	v, _ := c.Result()
	return v
}

// Err returns the error of the call.
func (c *Call) Err() error {
	_, err := c.Result()
	return err
}

// Reply returns the raw reply and the raw error of the call, as go-redis
// gives them.
func (c *Call) Reply() (any, error) {
	if c.err != nil {
		return nil, c.err
	}
	return c.cmd.Val(), c.cmd.Err()
}

// Scan decodes the reply into the Go value dst points to (a struct, a
// slice, a map for list and dict scripts; a number, string or bool
// otherwise); see codec.DecodeInto.
func (c *Call) Scan(dst any) error {
	reply, err := c.reply()
	if err != nil {
		return err
	}
	if err := codec.DecodeInto(c.Script().Return(), reply, dst); err != nil {
		return &DecodeError{Script: c.Script().Name(), Err: err}
	}
	return nil
}

// Int64 returns the reply as an integer.
func (c *Call) Int64() (int64, error) {
	var n int64
	return n, c.Scan(&n)
}

// Text returns the reply as a string.
func (c *Call) Text() (string, error) {
	var s string
	return s, c.Scan(&s)
}

// Bool returns the reply as a boolean.
func (c *Call) Bool() (bool, error) {
	var b bool
	return b, c.Scan(&b)
}

// reply returns the raw reply with nil for a nil reply, or the call's
// error classified.
func (c *Call) reply() (any, error) {
	if c.err != nil {
		return nil, c.err
	}
	err := c.cmd.Err()
	switch {
	case err == nil && c.cmd.Val() == nil:
		if c.marker.sent.Load() {
			return nil, &CallError{Script: c.Script().Name(), Outcome: ErrOutcomeUnknown, Err: errNoReply}
		}
		return nil, &CallError{Script: c.Script().Name(), Outcome: ErrNotExecuted, Err: errNoReply}
	case err == nil:
		return c.cmd.Val(), nil
	case errors.Is(err, redis.Nil):
		return nil, nil
	}
	name := c.Script().Name()
	if c.marker.refused.Load() {
		return nil, &CallError{Script: name, Outcome: ErrOutcomeUnknown, Err: err}
	}
	var re redis.Error
	if errors.As(err, &re) {
		if rejected(err) {
			return nil, &CallError{Script: name, Outcome: ErrNotExecuted, Err: err}
		}
		return nil, scriptError(c.Script(), err)
	}
	if c.marker.sent.Load() {
		return nil, &CallError{Script: name, Outcome: ErrOutcomeUnknown, Err: err}
	}
	return nil, &CallError{Script: name, Outcome: ErrNotExecuted, Err: err}
}

func (c *Call) decode() {
	reply, err := c.reply()
	if err != nil {
		c.valErr = err
		return
	}
	v, err := codec.Decode(c.Script().Return(), reply)
	if err != nil {
		c.valErr = &DecodeError{Script: c.Script().Name(), Err: err}
		return
	}
	c.val = v
}

// callOf returns the engine call (of any engine of e's client) that a
// queued command is, or nil.
func (e *Engine) callOf(cmd redis.Cmder) *Call {
	rc, ok := cmd.(*redis.Cmd)
	if !ok {
		return nil
	}
	args := rc.Args()
	if len(args) < 2 {
		return nil
	}
	if m, ok := args[1].(*marker); ok && m.call.prep.engine.client == e.client && &m.call.cmd == rc {
		return m.call
	}
	return nil
}

// pipelineHook keeps NOSCRIPT out of the pipelines and transactions of
// the engine's client.
type pipelineHook struct{ e *Engine }

func (h pipelineHook) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h pipelineHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (h pipelineHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		first := -1
		for i, cmd := range cmds {
			if h.e.callOf(cmd) != nil {
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
				if c := h.e.callOf(cmd); c != nil && keep(c) {
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
		again := calls((*Call).noScript)
		if len(again) == 0 {
			return err
		}
		// Not executed: send these again, with their bodies.
		p := h.e.client.Pipeline()
		for _, c := range again {
			c.toEval()
			_ = p.Process(ctx, &c.cmd)
		}
		_, execErr := p.Exec(ctx)
		settle(again, execErr)
		for _, c := range again {
			if c.cmd.Err() == c.marker.consumed {
				// The EVAL did not leave: its NOSCRIPT is stale.
				c.cmd.SetErr(execErr)
			}
		}
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

// transaction makes NOSCRIPT impossible inside EXEC: each script of the
// transaction is loaded by a SCRIPT LOAD queued right after MULTI, so
// that it runs atomically before the calls. On a cluster, where a keyless
// SCRIPT LOAD could be routed to another node, the calls use EVAL.
func (h pipelineHook) transaction(ctx context.Context, next redis.ProcessPipelineHook, cmds []redis.Cmder, calls []*Call) error {
	if h.e.cluster {
		for _, c := range calls {
			c.toEval()
		}
		return next(ctx, cmds)
	}
	var loads []*redis.StringCmd
	var loaded []*prepared
	for _, c := range calls {
		if !containsPrep(loaded, c.prep) {
			loaded = append(loaded, c.prep)
			loads = append(loads, redis.NewStringCmd(ctx, "script", "load", c.Script().Source()))
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
			if c.prep == loaded[i] && isNoScript(c.cmd.Err()) {
				c.cmd.SetErr(l.Err())
			}
		}
	}
	return err
}

func containsPrep(list []*prepared, p *prepared) bool {
	for _, x := range list {
		if x == p {
			return true
		}
	}
	return false
}

// Preload loads scripts onto the server: every master of a cluster,
// every shard of a ring. Calls do not need it; it saves the first call
// of each script a round trip.
func (e *Engine) Preload(ctx context.Context, scripts ...*resolve.Script) error {
	load := func(ctx context.Context, c redis.Cmdable) error {
		cmds := make([]*redis.StringCmd, len(scripts))
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, s := range scripts {
				cmds[i] = p.ScriptLoad(ctx, s.Source())
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
	switch c := e.client.(type) {
	case *redis.ClusterClient:
		return c.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return load(ctx, c) })
	case *redis.Ring:
		return c.ForEachShard(ctx, func(ctx context.Context, c *redis.Client) error { return load(ctx, c) })
	}
	return load(ctx, e.client)
}
