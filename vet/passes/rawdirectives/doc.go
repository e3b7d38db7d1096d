// Package rawdirectives defines an Analyzer that reports Redis scripts
// with redislua directives handed to go-redis unrendered.
//
// # Analyzer luaraw
//
// luaraw: report scripts with redislua directives sent to go-redis as they are
//
// A constant string given to Eval, EvalRO, EvalSha, EvalShaRO,
// ScriptLoad or redis.NewScript that holds a directive line (%key, %arg,
// %return, %include, %pragma, or any other line starting with %) skipped
// rendering: Redis would fail to compile it. Load it with resolve and
// run it with engine instead. So does a string or []byte variable that
// //go:embed fills with one .lua file holding a directive, given as is
// or converted (string(b)), in its own package or, through a fact, in
// the packages that import it (scripts.ReleaseSrc). Reports are in the
// category "unrendered".
package rawdirectives
