package conformance

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
)

// Builtin is the runner of this project: resolve and engine in process.
// It keeps one Redis client per server its requests name (URLs spelt
// differently share one), at most 16 open: the least recently used is
// closed when another is needed, never while a request uses it.
type Builtin struct {
	clients clients
	// loaderOpts are given to every loader: tests make runners that do
	// not conform with them (export_test.go), never a user.
	loaderOpts []resolve.Option
}

// NewBuiltin returns the built-in runner.
func NewBuiltin() *Builtin { return &Builtin{} }

// Close closes the runner's Redis clients (one in use, when its request
// is done). The runner may still be used: it opens new ones.
func (b *Builtin) Close() error { return b.clients.Close() }

// Do answers one request.
func (b *Builtin) Do(ctx context.Context, req Request) Response {
	switch req.Op {
	case "load", "map", "run":
	default:
		return Response{Error: &WireError{Kind: "protocol", Message: "unknown op " + quoteShort(req.Op) + ": want load, map or run"}}
	}
	fsys := fstest.MapFS{}
	for name, text := range req.Files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	l := resolve.New(fsys, b.loaderOpts...)
	for _, name := range slices.Sorted(maps.Keys(req.Memory)) {
		if err := l.Add(strings.TrimSuffix(name, resolve.Ext), req.Memory[name]); err != nil {
			return Response{Error: loadError(err)}
		}
	}
	s, err := l.Load(req.Name)
	if err != nil {
		return Response{Error: loadError(err)}
	}
	switch req.Op {
	case "load":
		render := s.Source()
		resp := Response{OK: true, Render: &render, Keys: []string{}, Args: []Arg{}, Return: typeName(s.Return()), Flags: s.Flags()}
		for _, k := range s.Keys() {
			resp.Keys = append(resp.Keys, k.Name)
		}
		for _, a := range s.Args() {
			resp.Args = append(resp.Args, Arg{Name: a.Name, Type: typeName(a.Type)})
		}
		return resp
	case "map":
		frames, ok := s.Frames(req.Line)
		if !ok {
			return Response{Error: &WireError{Kind: "line", Message: "no rendered line " + strconv.Itoa(req.Line)}}
		}
		return Response{OK: true, Frames: wireFrames(frames)}
	}
	return b.run(ctx, s, req)
}

// quoteShort quotes s, cut after 64 bytes: a request's own text in a
// message.
func quoteShort(s string) string {
	if len(s) > 64 {
		return strconv.Quote(s[:64]) + "..."
	}
	return strconv.Quote(s)
}

func typeName(t codec.Type) *string {
	if t == codec.Untyped {
		return nil
	}
	s := t.String()
	return &s
}

func wireFrames(frames []resolve.Frame) []Frame {
	out := make([]Frame, len(frames))
	for i, f := range frames {
		out[i] = Frame{f.Script, f.Line}
	}
	return out
}

// loadError is the wire form of a load error: its kind, file and line;
// an error of no kind of resolve's (none is known) is a "read" error.
func loadError(err error) *WireError {
	w := &WireError{Kind: "read", Message: err.Error()}
	var re *resolve.Error
	if errors.As(err, &re) {
		w.Kind = re.Kind()
		w.File = re.Pos().File
		w.Line = re.Pos().Line
		w.Message = re.Error()
	}
	return w
}

func (b *Builtin) run(ctx context.Context, s *resolve.Script, req Request) Response {
	switch req.Mode {
	case "", "functions", "pipeline", "multi":
	default:
		return Response{Error: &WireError{Kind: "protocol", Message: "unknown mode " + quoteShort(req.Mode) + ": want pipeline, multi or functions, or none"}}
	}
	values, err := ArgValues(req.Args)
	if err != nil {
		return Response{Error: &WireError{Kind: "protocol", Message: "args: " + err.Error()}}
	}
	key, open, err := serverKey(req.Redis)
	if err != nil {
		return Response{Error: &WireError{Kind: "protocol", Message: "redis URL: " + err.Error()}}
	}
	c, err := b.clients.acquire(ctx, key, open)
	if err != nil {
		return Response{Error: &WireError{Kind: "call", Message: "waiting for a Redis client: " + err.Error()}}
	}
	defer b.clients.release(c)
	e := c.engine
	var calls []*engine.Call
	switch req.Mode {
	case "":
		calls = append(calls, e.Run(ctx, s, values))
	case "functions":
		// The script as a library of its own, through FCALL; the library
		// is deleted afterwards (never FUNCTION FLUSH: the server's other
		// libraries are not the runner's).
		lib, err := engine.NewLibrary("conformance", s)
		if err != nil {
			return Response{Error: &WireError{Kind: "protocol", Message: err.Error()}}
		}
		calls = append(calls, engine.New(e.Client(), engine.WithFunctions(lib)).Run(ctx, s, values))
		deleteLibrary(ctx, e.Client(), lib.Name)
	case "pipeline", "multi":
		p := e.Client().Pipeline()
		if req.Mode == "multi" {
			p = e.Client().TxPipeline()
		}
		for range max(req.Repeat, 1) {
			calls = append(calls, e.Queue(ctx, p, s, values))
		}
		p.Exec(ctx)
	}
	var results []any
	for _, c := range calls {
		v, err := c.Result()
		if err != nil {
			return Response{Error: CallError(err)}
		}
		results = append(results, v)
	}
	var out any = results[0]
	if req.Mode == "pipeline" || req.Mode == "multi" {
		out = results
	}
	data, err := json.Marshal(out)
	if err != nil {
		return Response{Error: &WireError{Kind: "decode", Message: err.Error()}}
	}
	return Response{OK: true, Result: data}
}

// CallError is the wire form of an engine call's error: its kind by the
// engine's error classes (script, with the traceback's frames; args;
// crossslot; decode; call), else redis, and its text.
func CallError(err error) *WireError {
	w := &WireError{Kind: "redis", Message: err.Error()}
	var se *engine.ScriptError
	var ae *engine.ArgsError
	var cs *engine.CrossSlotError
	var de *engine.DecodeError
	var ce *engine.CallError
	switch {
	case errors.As(err, &se):
		w.Kind = "script"
		for _, f := range se.Frames {
			w.Frames = append(w.Frames, Frame{f.Script, f.Line})
		}
	case errors.As(err, &ae):
		w.Kind = "args"
	case errors.As(err, &cs):
		w.Kind = "crossslot"
	case errors.As(err, &de):
		w.Kind = "decode"
	case errors.As(err, &ce):
		w.Kind = "call"
	}
	return w
}

// ArgValues turns the JSON args of a run request into Go values: numbers
// that are integers become int64 (exactly: 9007199254740993 stays itself
// and is refused), other numbers float64, and objects with one of these
// keys stand for what JSON cannot say:
//
//	{"$bytes": "<base64>"}           a []byte
//	{"$float": "NaN" | "Inf" | "-Inf"} a float64
//	{"$nil": "list" | "dict"}        a nil []any or map[string]any
func ArgValues(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	// The top level holds names, never a $ object.
	return m, convertEach(m)
}

// convertEach replaces every value of m by its Go value.
func convertEach(m map[string]any) error {
	for k, v := range m {
		cv, err := goValue(v)
		if err != nil {
			return err
		}
		m[k] = cv
	}
	return nil
}

func goValue(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
		if n, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			return n, nil
		}
		return strconv.ParseFloat(string(x), 64)
	case []any:
		for i, el := range x {
			cv, err := goValue(el)
			if err != nil {
				return nil, err
			}
			x[i] = cv
		}
		return x, nil
	case map[string]any:
		if len(x) == 1 {
			for k, el := range x {
				s, _ := el.(string)
				switch k {
				case "$bytes":
					return base64.StdEncoding.DecodeString(s)
				case "$float":
					switch s {
					case "NaN":
						return math.NaN(), nil
					case "Inf":
						return math.Inf(1), nil
					case "-Inf":
						return math.Inf(-1), nil
					}
				case "$nil":
					if s == "list" {
						return []any(nil), nil
					}
					return map[string]any(nil), nil
				}
			}
		}
		return x, convertEach(x)
	}
	return v, nil
}

// deleteLibrary deletes a library the runner loaded (every master of a
// cluster).
func deleteLibrary(ctx context.Context, c redis.UniversalClient, name string) {
	del := func(ctx context.Context, c redis.Cmdable) error { return c.FunctionDelete(ctx, name).Err() }
	if cc, ok := c.(*redis.ClusterClient); ok {
		cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return del(ctx, m) })
		return
	}
	del(ctx, c)
}
