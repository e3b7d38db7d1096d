package conformance

import "github.com/redislua/redislua/resolve"

// NewBuiltinWith is the built-in runner with options of its loaders: a
// runner that does not conform, for tests that show the suite refuses it
// (WithMaxDepth(65) accepts 65 nested includes).
func NewBuiltinWith(opts ...resolve.Option) *Builtin { return &Builtin{loaderOpts: opts} }
