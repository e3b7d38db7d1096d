package engine

import (
	"cmp"
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
)

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
	c.decoded.Do(c.decode)
	return c.val, c.err
}

// pending reports whether the call has neither a reply nor an error yet:
// queued and not executed, or dropped by go-redis without a word.
func (c *Call) pending() bool {
	return c.early == nil && c.prep != nil && c.cmd.Err() == nil && c.cmd.Val() == nil
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
	if err := c.early; err != nil {
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
	case c.early != nil:
		return nil, c.early
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
		if answer := c.answer; answer != nil && answer != err {
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

// decode decodes the result into c.val or c.err, for Result, which runs
// it once.
func (c *Call) decode() {
	reply, err := c.reply()
	if err != nil {
		c.err = err
		return
	}
	v, err := codec.Decode(c.Script().Return(), reply)
	if err != nil {
		c.err = &DecodeError{Script: c.Script().Name(), Err: err}
		return
	}
	c.val = v
}
