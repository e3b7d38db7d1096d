package engine

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/resolve"
)

// Call is one call of a script. After Run it holds the reply; after
// Queue, once the pipeline or transaction has been executed.
type Call struct {
	cmd    scriptCmd
	marker marker
	prep   *prepared // the engine and the script, prepared
	buf    [6]any    // the command's arguments when they are few
	// early is an error found before sending.
	early error
	// answer is the outcome after which a resend was refused: the call's
	// real outcome (the reply or the lost connection).
	answer error
	// node is the node of a cluster or ring that answered the call
	// NOSCRIPT or "Function not found" (see nodeHook): the one to ask.
	node *redis.Client
	// decoded makes the decoded result (val, or err) once (see Result).
	decoded sync.Once
	val     any
	err     error
}

// variant is the form of the script the call sends.
func (c *Call) variant() *variant {
	if c.marker.blanked {
		return &c.prep.v[1]
	}
	return &c.prep.v[0]
}

func failed(err error) *Call { return &Call{early: err} }

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
	// may have left), markRefused (a resend was refused) and markResent
	// (sent again after a proven refusal).
	state atomic.Uint32
}

const (
	markAsked uint32 = 1 << iota
	markRefused
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
				c.answer = last
			}
			return nil, errResendRefused
		}
		c.cmd.granted.Store(n)
	}
	m.state.Or(markAsked)
	switch {
	case m.eval:
		return c.variant().body.get(), nil
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
		c.early = err
		return c
	}
	if e.kind == kindCluster && nk > 1 && !(c.prep.crossSlot && c.variant().flagged) {
		if err := checkSlots(s, args[3:3+nk]); err != nil {
			c.early = err
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

// keyText is an encoded key's text (EncodeKey gives a string or a
// []byte).
func keyText(k any) string {
	text, _ := codec.ArgText(k)
	return text
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

// useFCall turns the call into FCALL (FCALL_RO) of the script's function.
func (c *Call) useFCall() {
	c.cmd.Args()[0] = "fcall"
	if c.variant().ro {
		c.cmd.Args()[0] = "fcall_ro"
	}
	c.marker.eval, c.marker.fcall = false, true
}

// Script returns the script of the call (nil for a call made without one).
func (c *Call) Script() *resolve.Script {
	if c.prep == nil {
		return nil
	}
	return c.prep.script
}
