package calls

import (
	"context"
	"embed"
	"io/fs"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
)

//go:embed lua
var luaFS embed.FS

func must[T any](v T, err error) T { return v }

func sub(f fs.FS, err error) fs.FS { return f }

// A package-level loader over fs.Sub of the embedded files, and a script
// held in a package-level variable through a helper.
var loader = resolve.New(sub(fs.Sub(luaFS, "lua"))) // want loader:"loader calls/lua: create_foo raw"
var createFoo = must(loader.Load("create_foo"))     // want createFoo:"script create_foo"

type label string

func (l label) String() string { return string(l) }

func calls(ctx context.Context, e *engine.Engine, p engine.Pipeliner, n int, tags []string, m map[string]int, v any) {
	e.Run(ctx, createFoo, map[string]any{"foo_key": "k", "size": n, "members": tags, "flags": m, "on": true, "label": label("x")})
	e.Run(ctx, createFoo, map[string]any{"foo_key": "k", "size": n, "members": tags, "flags": m, "on": true, "lable": "x"})                         // want `script create_foo has no parameter "lable"; did you mean "label"\?` `script create_foo needs "label"`
	e.Run(ctx, createFoo, map[string]any{"foo_key": "k", "size": "five", "members": []byte("x"), "flags": map[int]string{}, "on": 1, "label": 2.5}) // want `arg size of script create_foo is integer: a string never encodes to it` `arg members of script create_foo is list: a \[\]byte never encodes to it` `arg flags of script create_foo is dict: a map\[int\]string never encodes to it` `arg on of script create_foo is boolean: a int never encodes to it` `arg label of script create_foo is string: a float64 never encodes to it`
	e.Run(ctx, createFoo, map[string]any{"foo_key": 5, "size": v, "members": v, "flags": v, "on": v, "label": v})                                   // an integer key is its decimal text
	e.Run(ctx, createFoo, map[string]any{"foo_key": 1.5, "size": v, "members": v, "flags": v, "on": v, "label": v})                                 // want `key foo_key of script create_foo is a string or an integer: a float64 is neither`
	e.Run(ctx, createFoo, map[string]any{"foo_key": true, "size": v, "members": v, "flags": v, "on": v, "label": v})                                // want `key foo_key of script create_foo is a string or an integer: a bool is neither`

	// Values by position: their count, and each against its parameter.
	e.Run(ctx, createFoo, engine.Ordered{"k", n, tags, m, true, "x"})
	e.Run(ctx, createFoo, engine.Ordered{"k", "five", tags, m, true, "x"}) // want `arg size of script create_foo is integer: a string never encodes to it`
	e.Run(ctx, createFoo, engine.Ordered{"k", n})                          // want `script create_foo takes 6 values in order \("foo_key", "size", "members", "flags", "on", "label"\): 2 given`

	// A local script; Queue checks like Run.
	local, err := loader.Load("create_foo")
	_ = err
	e.Queue(ctx, p, local, map[string]any{"size": 1}) // want `script create_foo needs "foo_key", "members", "flags", "on", "label"`

	// Untyped arguments: what go-redis can write, and what it cannot.
	raw := must(loader.Load("raw"))
	e.Run(ctx, raw, map[string]any{"k": "k", "v": n})
	e.Run(ctx, raw, map[string]any{"k": "k", "v": []byte("b")})
	e.Run(ctx, raw, map[string]any{"k": "k", "v": &n})
	e.Run(ctx, raw, map[string]any{"k": "k", "v": v})
	e.Run(ctx, raw, map[string]any{"k": "k", "v": tags})       // want `arg v of script raw is untyped: a \[\]string never encodes to it`
	e.Run(ctx, raw, map[string]any{"k": "k", "v": label("x")}) // want `arg v of script raw is untyped: a label never encodes to it`

	// Values that are not literals are not checked.
	vals := map[string]any{"nope": 1}
	e.Run(ctx, local, vals)
}

// A struct field set in a constructor.
type service struct {
	e      *engine.Engine
	loader *resolve.Loader
	foo    *resolve.Script // want foo:"script create_foo"
}

func newService(e *engine.Engine) (*service, error) {
	s := &service{e: e, loader: resolve.New(must(fs.Sub(luaFS, "lua")))}
	var err error
	s.foo, err = s.loader.Load("create_foo")
	return s, err
}

type fooArgs struct {
	FooKey  string
	Size    int64
	Members []string
	Flags   map[string]any
	On      bool
	Label   string `redislua:"label"`
}

type badArgs struct {
	FooKey string
	Sise   int // want `script create_foo has no parameter "Sise"; did you mean "size"\?`
}

func (s *service) run(ctx context.Context) {
	s.e.Run(ctx, s.foo, fooArgs{})
	s.e.Run(ctx, s.foo, &badArgs{}) // want `script create_foo needs "flags", "label", "members", "on", "size", which the struct does not have`
}
