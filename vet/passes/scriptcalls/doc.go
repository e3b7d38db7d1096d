// Package scriptcalls defines an Analyzer that checks the named values
// given to redislua scripts.
//
// # Analyzer luacalls
//
// luacalls: check the named values of engine calls against the scripts' signatures
//
// For a call engine.(*Engine).Run(ctx, script, values) or Queue(ctx,
// pipe, script, values) whose script is known statically, the analyzer
// reports, before anything runs: names the script does not declare (with
// a suggestion), declared names missing from a map literal, and values
// whose static type can never encode to the declared type (a string for
// an integer, a map[int]T for a dict, a []byte for a list...).
//
// A script is known when it comes from loader.Load("constant name") and
// the loader from resolve.New(fsys) where fsys is a //go:embed variable
// of the same package, or fs.Sub of one with a constant directory
// (directly, or through a helper call that takes it as its only
// argument, such as a generic must). The loader's Load method as a value
// counts as the loader (load := loader.Load; load("create_foo")). These
// ways of holding loaders and scripts are followed:
//
//   - package-level variables: var scripts = resolve.New(luaFS)
//   - local variables: s, err := scripts.Load("create_foo")
//   - struct fields assigned anywhere in the package, e.g. in a
//     constructor: svc.createFoo, err = svc.loader.Load("create_foo")
//   - helpers that take the Load call as their only argument:
//     must(scripts.Load("create_foo"))
//   - functions of the package without arguments whose every return
//     gives the same known file system (a helper around fs.Sub)
//
// A script held by a package-level variable or a struct field is
// exported as a fact, so calls in packages that import it are checked
// too (scripts.CreateFoo, svc.foo), and so are copies of such a script
// in the importing package: a local (release := scripts.Release), a
// package-level variable (var rel = scripts.Release), a field set from
// it (service{rel: scripts.Release}), themselves exported again.
//
// A loader held by a package-level variable, or its Load method held by
// one, is exported as a fact too, with the .lua files of the tree it
// reads: Load calls in importing packages are checked against that tree
// (scripts.Loader.Load("lock_relase") is reported with its did-you-mean)
// and the scripts they load are checked as local ones, also through a
// package-level copy of the loader, itself exported again. Loaders held
// by struct fields are not exported: any value of the struct, filled in
// any package, would share the fact.
//
// It also reports loader.Load of a constant name that the embedded tree
// does not hold (with a suggestion), a nil values argument for a script
// that has parameters, and constant values the codec refuses at run
// time: an integer beyond ±2^53 (int64(9007199254740993), or the untyped
// constant), a fraction for an integer (1.5), a float or a bool for a
// key. Struct fields bind by their redislua tag as reflect.StructTag
// reads it; a report about a field points at the field's declaration
// when this package declares it.
//
// Every report has a range and a category: "script" (the script is not
// known to the tree), "values" (names and values), "types" (a type that
// never encodes). A "did you mean" report carries the fix that replaces
// the misspelt string.
//
// Not followed: loaders or scripts passed as function arguments or
// returned from functions, scripts held in maps or slices, names that
// are not constants, and file systems other than embedded ones
// (resolve.OpenDir reads a directory named relative to the working
// directory of the program, unknown to the analyzer). Values are
// checked when they are a map literal with constant string keys, or a
// struct value (every exported field, as the engine binds them).
package scriptcalls
