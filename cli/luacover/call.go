package luacover

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"sync"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
)

// shebangs remembers, per client, whether its server takes "#!lua".
var shebangs sync.Map // redis.UniversalClient → bool

func takesShebang(ctx context.Context, c redis.UniversalClient) bool {
	if v, ok := shebangs.Load(c); ok {
		return v.(bool)
	}
	ok := c.Eval(ctx, "#!lua flags=no-writes\nreturn 1", nil).Err() == nil
	shebangs.Store(c, ok)
	return ok
}

// Pending is an instrumented call queued in a pipeline.
type Pending struct {
	in   *Instrumented
	cmd  *redis.Cmd
	err  error // before sending
	cov  *Coverage
	done bool
	val  any
}

// Call runs s instrumented on c with the named values, adds its counts
// to cov, and returns what engine.Run's Result would: the decoded reply
// or the error.
func Call(ctx context.Context, c redis.UniversalClient, s *resolve.Script, values map[string]any, cov *Coverage) (any, error) {
	p := prepare(ctx, c, s, values, cov)
	if p.err == nil {
		p.cmd = c.Eval(ctx, p.in.Source, p.keys(), p.args()...)
	}
	return p.Result()
}

// Queue binds the call and, unless binding fails, queues it in pipe, a
// pipeline or transaction of c; its Result is ready after pipe's Exec.
func Queue(ctx context.Context, c redis.UniversalClient, pipe redis.Pipeliner, s *resolve.Script, values map[string]any, cov *Coverage) *Pending {
	p := prepare(ctx, c, s, values, cov)
	if p.err == nil {
		p.cmd = pipe.Eval(ctx, p.in.Source, p.keys(), p.args()...)
	}
	return p
}

func prepare(ctx context.Context, c redis.UniversalClient, s *resolve.Script, values map[string]any, cov *Coverage) *Pending {
	p := &Pending{cov: cov, in: instrument(s, !takesShebang(ctx, c))}
	p.val, p.err = engine.Bind(s, values)
	return p
}

func (p *Pending) keys() []string {
	b := p.val.([]any)
	keys := make([]string, len(p.in.Script.Keys()))
	for i := range keys {
		keys[i], _ = codec.ArgText(b[i]) // a key is a string or []byte
	}
	return keys
}

func (p *Pending) args() []any {
	return p.val.([]any)[len(p.in.Script.Keys()):]
}

// Result returns the call's decoded reply or its error, and adds its
// counts to the coverage (once).
func (p *Pending) Result() (any, error) {
	if p.err != nil {
		return nil, p.err
	}
	reply, err := p.cmd.Result()
	if err != nil {
		// Not the wrapper's reply: a compile error (lines are the
		// original's), or a connection error.
		return nil, engine.TranslateError(p.in.Script, err)
	}
	parts, ok := reply.([]any)
	if !ok || len(parts) < 2 {
		return nil, fmt.Errorf("luacover: unexpected reply %v", reply)
	}
	counts, _ := parts[0].([]any)
	if !p.done {
		p.done = true
		p.cov.Add(p.in, counts)
	}
	s := p.in.Script
	status, _ := parts[1].(int64)
	switch status {
	case 1:
		var v any
		if len(parts) > 2 {
			v = parts[2]
		}
		out, err := codec.Decode(s.Return(), v)
		if err != nil {
			return nil, &engine.DecodeError{Script: s.Name(), Err: err}
		}
		return out, nil
	case 2:
		return nil, replyError(parts[2].(string))
	}
	text, _ := parts[2].(string)
	where, _ := parts[3].(string)
	table, _ := parts[4].(int64)
	return nil, engine.TranslateError(s, raised(s, text, where, table == 1))
}

var (
	positionRE = regexp.MustCompile(`^(?s)(?:[^:\s]*):(\d+): ?(.*)$`)
	whereRE    = regexp.MustCompile(`^user_script:(\d+):`)
	codeRE     = regexp.MustCompile(`^[A-Z][A-Z0-9_-]* `)
)

// raised is the error reply Redis 7 gives for an error raised at where
// ("user_script:7: " and gopher-lua's forms) with text: an error table's
// text keeps its code, a string's gets ERR and its position.
func raised(s *resolve.Script, text, where string, table bool) error {
	// Redis names the place "user_script:7: "; gopher-lua's levels do
	// not lead to the script (its handler's own line): there the text's
	// position stands.
	line := 0
	if m := whereRE.FindStringSubmatch(where); m != nil {
		line, _ = strconv.Atoi(m[1])
	} else if m := positionRE.FindStringSubmatch(text); m != nil && !table {
		line, _ = strconv.Atoi(m[1])
	}
	msg := text
	if table {
		if !codeRE.MatchString(msg) {
			msg = "ERR " + msg
		}
	} else {
		if m := positionRE.FindStringSubmatch(text); m != nil {
			msg = "user_script:" + m[1] + ": " + m[2]
		}
		msg = "ERR " + msg
	}
	if line == 0 {
		return replyError(msg)
	}
	return replyError(fmt.Sprintf("%s script: %s, on @user_script:%d.", msg, s.SHA1(), line))
}

// replyError is an error reply as go-redis gives one.
type replyError string

func (e replyError) Error() string { return string(e) }
func (replyError) RedisError()     {}
