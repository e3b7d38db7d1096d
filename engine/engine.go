package engine

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/resolve"
)

// Engine runs scripts on one go-redis client: a Client, ClusterClient,
// Ring, failover client or AutoPipeliner, and the pipelines and
// transactions made from it. It is safe for concurrent use. Make one per
// client.
//
// What it guarantees (the package documentation gives the reasoning):
//
//   - EVALSHA first; the body goes over the wire only when the server
//     lacks the script, with SCRIPT LOAD (never evicted by Redis 7.4 and
//     Valkey 8.1). NOSCRIPT never reaches the caller: after SCRIPT FLUSH,
//     on a cluster node that has never seen the script, in a pipeline
//     (calls proven refused with NOSCRIPT are sent again after the
//     pipeline) and in MULTI/EXEC (the transaction loads its scripts
//     itself, or uses EVAL); but as an outcome unknown when SCRIPT
//     EXISTS, asked after the reply, finds the script loaded again (the
//     NOSCRIPT could have been the script's own answer).
//   - At most once: a call is never executed twice, whatever the client's
//     MaxRetries, and ErrNotExecuted means that no command of the script
//     ran. go-redis does not retry a call; it may resend one only after a
//     reply that proves the script did not start.
//   - On a cluster, the keys of a call must hash to one slot: checked
//     before sending (CrossSlotError).
type Engine struct {
	client  redis.UniversalClient
	kind    clientKind
	scripts sync.Map // *resolve.Script → *prepared
	last    atomic.Pointer[prepared]
	// shebang is whether the server runs scripts with Redis 7's #! flags
	// line: 0 not known yet, 1 yes, 2 no (Redis before 7, miniredis).
	shebang atomic.Int32
	lib     *Library // WithFunctions: Run calls its scripts through FCALL
	// nodesHooked: the nodes the cluster or ring client had when the
	// engine first ran a call have a nodeHook (see hookNodes).
	nodesHooked atomic.Bool
	absent      absences // when SCRIPT EXISTS found a script missing (see provenNoScript)
}

// Option configures an Engine.
type Option func(*Engine)

// WithFunctions makes Run call the scripts of lib through FCALL
// (FCALL_RO for no-writes scripts) instead of EVALSHA. A server that
// lacks the library gets it (FUNCTION LOAD, every master of a cluster)
// when a call is answered "Function not found" and FUNCTION LIST then
// proves the library missing (nothing ran), and the call is sent again,
// once: at most once, as with NOSCRIPT. Errors map back through the
// library to the script's traceback. Scripts not in lib, and calls
// queued in transactions (MULTI/EXEC), go through EVALSHA as without the
// option.
func WithFunctions(lib *Library) Option { return func(e *Engine) { e.lib = lib } }

// prepared is what every call of a script shares.
type prepared struct {
	engine *Engine
	script *resolve.Script
	// v[0] is the script as rendered; v[1] what is sent to a server
	// without script flags: the #! line blanked (so another SHA1), the
	// plain commands. They are one for a script without a #! line.
	v         [2]variant
	flagged   bool   // it starts with Redis 7's #! line
	crossSlot bool   // its flags allow keys in several slots
	fn        []byte // its function in the engine's library, if any
}

// variant is a form of a script that a call sends.
type variant struct {
	sha, body []byte // shared: never written
	text      string // the body (SCRIPT LOAD takes it without a copy)
	ro        bool   // flags=no-writes: EVALSHA_RO, EVAL_RO
	flagged   bool   // the body starts with the #! line
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
// Calls of an engine of a nil client fail with ErrNotExecuted.
func New(client redis.UniversalClient, opts ...Option) *Engine {
	e := &Engine{client: client, kind: kindOf(client)}
	for _, o := range opts {
		o(e)
	}
	if client == nil {
		return e
	}
	if _, loaded := hooked.LoadOrStore(client, struct{}{}); !loaded {
		client.AddHook(pipelineHook{client: client, kind: e.kind})
		switch cl := client.(type) {
		case *redis.ClusterClient:
			cl.OnNewNode(hookNode)
		case *redis.Ring:
			cl.OnNewNode(hookNode)
		}
	}
	if e.kind != kindCluster && e.kind != kindRing {
		e.nodesHooked.Store(true) // one server: no node to note
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
		src := s.Source()
		np := &prepared{engine: e, script: s, flagged: strings.HasPrefix(src, "#!")}
		np.v[0] = variant{sha: readOnlyBytes(s.SHA1()), body: readOnlyBytes(src), text: src, flagged: np.flagged}
		np.v[1] = np.v[0]
		if np.flagged {
			for _, f := range s.Flags() {
				np.v[0].ro = np.v[0].ro || f == "no-writes"
				np.crossSlot = np.crossSlot || f == "allow-cross-slot-keys"
			}
			// Blank the #! line, keeping the line numbers.
			plain := src[strings.IndexByte(src+"\n", '\n'):]
			sum := sha1.Sum([]byte(plain))
			np.v[1] = variant{sha: []byte(hex.EncodeToString(sum[:])), body: readOnlyBytes(plain), text: plain}
		}
		if e.lib != nil {
			if fn, ok := e.lib.Functions[s.Name()]; ok && e.lib.funcs[fn].script == s {
				np.fn = []byte(fn)
			}
		}
		p, _ = e.scripts.LoadOrStore(s, np)
	}
	e.last.Store(p.(*prepared))
	return p.(*prepared)
}

// Call is one call of a script. After Run it holds the reply; after
// Queue, once the pipeline or transaction has been executed.
type Call struct {
	cmd    scriptCmd
	marker marker
	prep   *prepared // the engine and the script, prepared
	odd    *oddities // what most calls never have; nil until needed
	buf    [6]any    // the command's arguments when they are few
	val    any       // the decoded result, or a decodeFailure (see Result)
}

// variant is the form of the script the call sends.
func (c *Call) variant() *variant {
	if c.marker.blanked {
		return &c.prep.v[1]
	}
	return &c.prep.v[0]
}

// decodeFailure is the error of a call's result, kept in Call.val.
type decodeFailure struct{ err error }

// oddities are the rare states of a call, kept out of line so that a
// Call stays in the 288-byte size class (measured: BenchmarkPipelinePaired
// pays for every byte of the 10,000 calls a pipeline holds).
type oddities struct {
	err error // an error found before sending
	// answer is the outcome after which a resend was refused: the call's
	// real outcome (the reply or the lost connection).
	answer error
	// node is the node of a cluster or ring that answered the call
	// NOSCRIPT or "Function not found" (see nodeHook): the one to ask.
	node *redis.Client
}

// oddities returns the call's oddities, made when it has none.
func (c *Call) oddities() *oddities {
	if c.odd == nil {
		c.odd = &oddities{}
	}
	return c.odd
}

// early returns the error found before sending, if any.
func (c *Call) early() error {
	if c.odd == nil {
		return nil
	}
	return c.odd.err
}

func failed(err error) *Call { return &Call{odd: &oddities{err: err}} }

// scriptCmd is a call's command: go-redis never retries it on its own
// (NoRetry), and every error go-redis sets on it is counted, so that the
// marker can tell a resend from a first send however often go-redis asks
// for the argument's bytes.
type scriptCmd struct {
	redis.Cmd
	last    atomic.Pointer[error] // the last outcome set (nil: none, or no error)
	replies atomic.Uint32         // how many times go-redis set the outcome of an attempt
	granted atomic.Uint32         // the value of replies for which a send is authorised
}

// NoRetry tells go-redis not to resend the command after an error: a
// resend could run the script twice. Redirections go-redis follows
// anyway (MOVED, ASK, READONLY on a cluster) meet the marker.
func (c *scriptCmd) NoRetry() bool { return true }

// SetErr records the outcome of an attempt.
func (c *scriptCmd) SetErr(err error) {
	c.Cmd.SetErr(err)
	if err != nil {
		e := err // only here: &err would move err to the heap on every call
		c.last.Store(&e)
	} else {
		c.last.Store(nil)
	}
	c.replies.Add(1) // after last: whoever sees the count sees the outcome
}

// lastErr returns the last outcome go-redis set.
func (c *scriptCmd) lastErr() error {
	if p := c.last.Load(); p != nil {
		return *p
	}
	return nil
}

// marker stands for the SHA1 (EVALSHA) or the body (EVAL) in a call's
// arguments. go-redis asks it for its bytes when it sizes (the
// auto-pipeliner) and when it writes the request. Within one attempt it
// answers as often as it is asked; after an attempt ended (go-redis set
// an error on the command), it answers again only if that error proves
// that the script did not run (see Call.resendable): otherwise it
// refuses, the write fails, nothing is sent.
type marker struct {
	call  *Call
	eval  bool // the payload is the body (EVAL), not the SHA1
	fcall bool // the payload is the function's name (FCALL)
	// notRun is set by the transaction hook when EXEC proves that the
	// call did not run (a WATCH abort, EXECABORT).
	notRun bool
	// blanked: the call sends the script with its #! line blanked
	// (prepared.v[1]), for a server that does not run #! scripts.
	blanked bool
	// state holds markAsked (go-redis asked for the bytes: the request
	// may have left) and markRefused (a resend was refused), and the
	// state of the decoded result (markDecoding, markDecoded; see
	// Call.Result). One word, not atomic.Bools and a sync.Once: it keeps
	// a Call in the 288-byte size class.
	state atomic.Uint32
}

const (
	markAsked uint32 = 1 << iota
	markRefused
	markDecoding
	markDecoded
	markResent // sent again after a proven refusal: never a third time
)

// asked reports whether go-redis asked for the bytes since the last
// authorised send.
func (m *marker) asked() bool { return m.state.Load()&markAsked != 0 }

// forget clears asked: a new send is authorised.
func (m *marker) forget() { m.state.And(^markAsked) }

// refused reports whether a resend was refused.
func (m *marker) refused() bool { return m.state.Load()&markRefused != 0 }

// MarshalBinary gives go-redis the argument's bytes.
func (m *marker) MarshalBinary() ([]byte, error) {
	c := m.call
	if n := c.cmd.replies.Load(); n != c.cmd.granted.Load() {
		last := c.cmd.lastErr()
		if !c.resendable(last) {
			if m.state.Or(markRefused)&markRefused == 0 {
				c.oddities().answer = last // a sent call has no early error
			}
			return nil, errResendRefused
		}
		c.cmd.granted.Store(n)
	}
	m.state.Or(markAsked)
	switch {
	case m.eval:
		return c.variant().body, nil
	case m.fcall:
		return c.prep.fn, nil
	}
	return c.variant().sha, nil
}

// String is what go-redis prints for the argument (cmd.String(), and
// so the hooks of tracing and metrics): the script's name and SHA1,
// "create_foo@<sha1>".
func (m *marker) String() string {
	return m.call.prep.script.Name() + "@" + string(m.call.variant().sha)
}

// ScriptOf returns the script that a go-redis command runs, when the
// command is a call of an engine: for a hook (tracing, metrics, logs)
// that sees the commands go-redis processes. ok is false for any other
// command.
func ScriptOf(cmd redis.Cmder) (s *resolve.Script, ok bool) {
	if c := callIn(cmd); c != nil {
		return c.prep.script, true
	}
	return nil, false
}

// callIn returns the engine call (of any engine) that a go-redis command
// is, or nil.
func callIn(cmd redis.Cmder) *Call {
	sc, ok := cmd.(*scriptCmd)
	if !ok || len(sc.Args()) < 2 {
		return nil
	}
	m, ok := sc.Args()[1].(*marker)
	if !ok || m.call == nil || m.call.prep == nil || &m.call.cmd != sc {
		return nil
	}
	return m.call
}

// newCall binds the values of a call and prepares its command.
func (e *Engine) newCall(ctx context.Context, s *resolve.Script, values any) *Call {
	switch {
	case e == nil || e.client == nil:
		return failed(&CallError{Outcome: ErrNotExecuted, Err: errNoClient})
	case s == nil:
		return failed(&CallError{Outcome: ErrNotExecuted, Err: errNilScript})
	case ctx == nil:
		return failed(&CallError{Script: s.Name(), Outcome: ErrNotExecuted, Err: errNilContext})
	}
	if !e.nodesHooked.Load() {
		e.hookNodes(ctx)
	}
	c := &Call{prep: e.prepare(s)}
	c.marker.blanked = c.prep.flagged && !e.runsShebang(ctx)
	c.marker.call = c
	nk, na := len(s.Keys()), len(s.Args())
	args := c.buf[:0]
	if n := 3 + nk + na; n > len(c.buf) {
		args = make([]any, 0, n)
	}
	var cmd any = "evalsha" // constants: boxing a string variable allocates
	if c.variant().ro {
		cmd = "evalsha_ro"
	}
	args = append(args, cmd, &c.marker, nk)
	args = args[:3+nk+na]
	if err := bind(s, values, args[3:]); err != nil {
		c.odd = &oddities{err: err}
		return c
	}
	if e.kind == kindCluster && nk > 1 && !(c.prep.crossSlot && c.variant().flagged) {
		if err := checkSlots(s, args[3:3+nk]); err != nil {
			c.odd = &oddities{err: err}
			return c
		}
	}
	c.cmd.Cmd = *redis.NewCmd(ctx, args...)
	if nk > 0 {
		// The first key routes the call on a cluster, whichever command
		// it becomes (go-redis knows EVALSHA's keys, not FCALL's).
		c.cmd.SetFirstKeyPos(3)
	}
	if c.keylessAnywhere() {
		c.useEval()
	}
	return c
}

// keylessAnywhere reports whether the call has no key and goes to any
// node of a cluster or shard of a ring: sent as EVAL, so that no NOSCRIPT
// needs a node to be asked whether it has the script.
func (c *Call) keylessAnywhere() bool {
	k := c.prep.engine.kind
	return len(c.prep.script.Keys()) == 0 && (k == kindCluster || k == kindRing)
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

// cmdName is the command the call sends: "evalsha" or "eval" (their
// _ro forms for a no-writes script).
func (c *Call) cmdName() string {
	name, _ := c.cmd.Args()[0].(string)
	return name
}

// sendsSHA reports whether the call sends EVALSHA or EVALSHA_RO.
func (c *Call) sendsSHA() bool { return strings.HasPrefix(c.cmdName(), "evalsha") }

// useEval turns the call into EVAL (EVAL_RO) with the body before it is
// sent.
func (c *Call) useEval() {
	c.cmd.Args()[0] = "eval"
	if c.variant().ro {
		c.cmd.Args()[0] = "eval_ro"
	}
	c.marker.eval, c.marker.fcall = true, false
}

// useScript turns an FCALL back into the script call it would have been
// (EVALSHA, EVAL when keyless on a cluster) before it is sent: a
// transaction loads scripts, not libraries.
func (c *Call) useScript() {
	if c.keylessAnywhere() {
		c.useEval()
		return
	}
	c.cmd.Args()[0] = "evalsha"
	if c.variant().ro {
		c.cmd.Args()[0] = "evalsha_ro"
	}
	c.marker.fcall = false
}

// runsShebang reports whether the server runs scripts that start with
// Redis 7's #! flags line, asking it once per engine: a script of no
// writes that declares a flag. miniredis and Redis before 7 refuse it
// (syntax error, unknown shebang), and get the scripts with the line
// blanked. When the question gets no answer (a connection problem), the
// script is sent as rendered.
func (e *Engine) runsShebang(ctx context.Context) bool {
	switch e.shebang.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	err := e.client.Eval(ctx, "#!lua flags=no-writes\nreturn 1", nil).Err()
	var re redis.Error
	switch {
	case err == nil:
		e.shebang.Store(1)
		return true
	case errors.As(err, &re):
		e.shebang.Store(2)
		return false
	}
	return true
}

// Run runs script s with the named values on the engine's client and
// waits for the reply.
func (e *Engine) Run(ctx context.Context, s *resolve.Script, values Values) *Call {
	c := e.newCall(ctx, s, values)
	if c.early() != nil {
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

// useFCall turns the call into FCALL (FCALL_RO) of the script's function.
func (c *Call) useFCall() {
	c.cmd.Args()[0] = "fcall"
	if c.variant().ro {
		c.cmd.Args()[0] = "fcall_ro"
	}
	c.marker.eval, c.marker.fcall = false, true
}

// Queue adds a call of script s to a pipeline or a transaction
// (MULTI/EXEC) made from the engine's client. Its result is ready after
// the pipeline's Exec. A call whose values do not fit the script is not
// queued; its Err says why.
func (e *Engine) Queue(ctx context.Context, p redis.Pipeliner, s *resolve.Script, values Values) *Call {
	if p == nil {
		return failed(&CallError{Outcome: ErrNotExecuted, Err: errNilPipeliner})
	}
	c := e.newCall(ctx, s, values)
	if c.early() != nil {
		return c
	}
	if c.prep.fn != nil {
		c.useFCall() // a transaction turns it back into a script call
	}
	_ = p.Process(ctx, &c.cmd)
	return c
}

// Script returns the script of the call (nil for a call made without one).
func (c *Call) Script() *resolve.Script {
	if c.prep == nil {
		return nil
	}
	return c.prep.script
}

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
	for {
		st := c.marker.state.Load()
		switch {
		case st&markDecoded != 0:
			if f, ok := c.val.(decodeFailure); ok {
				return nil, f.err
			}
			return c.val, nil
		case st&markDecoding == 0:
			if c.marker.state.CompareAndSwap(st, st|markDecoding) {
				c.decode()
			}
		default:
			// Another goroutine is decoding: a rare race, and a
			// short wait (decoding reads what is in memory).
			runtime.Gosched()
		}
	}
}

// pending reports whether the call has neither a reply nor an error yet:
// queued and not executed, or dropped by go-redis without a word.
func (c *Call) pending() bool {
	return c.early() == nil && c.prep != nil && c.cmd.Err() == nil && c.cmd.Val() == nil
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
	if err := c.early(); err != nil {
		return nil, err
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

// The accessors below read the reply as go-redis's Cmd accessors do for
// a script without %return; with one, through the declared type (Scan):
// a %return list script's Slice is its decoded JSON array.

// Int64 returns the reply as an integer.
func (c *Call) Int64() (int64, error) {
	if cmd, ok := c.untyped(); ok {
		return cmd.Int64()
	}
	if c.Script().Return() == codec.Integer {
		// The decoded result as it is (Scan would move n to the heap).
		v, err := c.Result()
		if err != nil {
			return 0, err
		}
		if n, ok := v.(int64); ok {
			return n, nil
		}
	}
	var n int64
	return n, c.Scan(&n)
}

// Float64 returns the reply as a float.
func (c *Call) Float64() (float64, error) {
	if cmd, ok := c.untyped(); ok {
		return cmd.Float64()
	}
	var f float64
	return f, c.Scan(&f)
}

// Text returns the reply as a string.
func (c *Call) Text() (string, error) {
	if cmd, ok := c.untyped(); ok {
		return cmd.Text()
	}
	var s string
	return s, c.Scan(&s)
}

// Bool returns the reply as a boolean.
func (c *Call) Bool() (bool, error) {
	if cmd, ok := c.untyped(); ok {
		return cmd.Bool()
	}
	var b bool
	return b, c.Scan(&b)
}

// Slice returns the reply as a list.
func (c *Call) Slice() ([]any, error) {
	if cmd, ok := c.untyped(); ok {
		return cmd.Slice()
	}
	var l []any
	return l, c.Scan(&l)
}

// StringSlice returns the reply as a list of strings.
func (c *Call) StringSlice() ([]string, error) {
	if cmd, ok := c.untyped(); ok {
		return cmd.StringSlice()
	}
	var l []string
	return l, c.Scan(&l)
}

// untyped returns, for a script without %return, a go-redis Cmd holding
// the call's reply or error, whose accessors read it; ok is false for a
// typed script.
func (c *Call) untyped() (*redis.Cmd, bool) {
	if c.Script() != nil && c.Script().Return() != codec.Untyped {
		return nil, false
	}
	cmd := redis.NewCmd(context.Background())
	reply, err := c.reply()
	switch {
	case err != nil:
		cmd.SetErr(err)
	case reply == nil:
		cmd.SetErr(redis.Nil)
	default:
		cmd.SetVal(reply)
	}
	return cmd, true
}

// reply returns the raw reply with nil for a nil reply, or the call's
// error classified: see doc.go for the classes.
func (c *Call) reply() (any, error) {
	switch {
	case c.early() != nil:
		return nil, c.early()
	case c.prep == nil:
		return nil, &CallError{Outcome: ErrNotExecuted, Err: errZeroCall}
	}
	name := c.Script().Name()
	err := c.cmd.Err()
	switch {
	case c.marker.notRun:
		return nil, &CallError{Script: name, Outcome: ErrNotExecuted, Err: cmp.Or(err, errNoReply)}
	case err == nil && c.cmd.Val() == nil:
		if c.marker.asked() {
			return nil, &CallError{Script: name, Outcome: ErrOutcomeUnknown, Err: errNoReply}
		}
		return nil, &CallError{Script: name, Outcome: ErrNotExecuted, Err: errNoReply}
	case err == nil:
		return c.cmd.Val(), nil
	case errors.Is(err, redis.Nil):
		return nil, nil
	}
	if c.marker.refused() {
		// A resend was refused: the call's outcome is the reply (or the
		// lost connection) that did not prove the script had not run.
		if answer := c.odd.answer; answer != nil && answer != err {
			return nil, c.classify(answer, true)
		}
		return nil, &CallError{Script: name, Outcome: ErrOutcomeUnknown, Err: err}
	}
	return nil, c.classify(err, false)
}

// classify turns the last error of a sent call into its class. After a
// refused resend (resent), even a refusal is not one any more: the
// attempt that got it was not the first.
func (c *Call) classify(err error, resent bool) error {
	name := c.Script().Name()
	var re redis.Error
	if !errors.As(err, &re) {
		if !c.marker.asked() || (!resent && neverSent(err)) {
			return &CallError{Script: name, Outcome: ErrNotExecuted, Err: err}
		}
		return &CallError{Script: name, Outcome: ErrOutcomeUnknown, Err: err}
	}
	if !c.marker.asked() && !resent {
		// An error set without the request ever being written (go-redis
		// refused the pipeline, e.g. CROSSSLOT across a transaction).
		return &CallError{Script: name, Outcome: ErrNotExecuted, Err: err}
	}
	switch c.judge(err) {
	case refused:
		if resent {
			return &CallError{Script: name, Outcome: ErrOutcomeUnknown, Err: err}
		}
		return &CallError{Script: name, Outcome: ErrNotExecuted, Err: err}
	case ambiguous, unverifiedNoScript:
		return &CallError{Script: name, Outcome: ErrOutcomeUnknown, Err: err}
	}
	if c.marker.fcall {
		return functionError(c.prep.engine.lib, c.Script(), string(c.prep.fn), err)
	}
	return scriptError(c.Script(), err)
}

// decode decodes the result into c.val, for Result, which runs it once;
// whatever happens, it marks the result decoded.
func (c *Call) decode() {
	defer c.marker.state.Or(markDecoded)
	reply, err := c.reply()
	if err != nil {
		c.val = decodeFailure{err}
		return
	}
	v, err := codec.Decode(c.Script().Return(), reply)
	if err != nil {
		c.val = decodeFailure{&DecodeError{Script: c.Script().Name(), Err: err}}
		return
	}
	c.val = v
}

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
	switch c := e.client.(type) {
	case *redis.ClusterClient:
		return c.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return load(ctx, c) })
	case *redis.Ring:
		return c.ForEachShard(ctx, func(ctx context.Context, c *redis.Client) error { return load(ctx, c) })
	}
	return load(ctx, e.client)
}
