// Package resolve turns a tree of .lua files with redislua directives into
// loaded scripts: it reads them from an io/fs.FS, resolves %include with
// %pragma once, detects cycles, enforces limits, renders the Lua that Redis
// runs and keeps the source map from rendered lines back to real files.
//
// A Loader reads and parses each file once and keeps it in a compact,
// pointer-free form; a script is rendered straight into one array,
// which becomes its source without a copy. The source map (Script.Frames, LineInfo,
// Includes) is built the first time it is asked for, by walking the
// rendering again without writing it: tracebacks need it, most scripts
// never raise one.
//
// Every load error is an *Error: its position, its Kind (the
// conformance suite's kinds: not_found, cycle, syntax, …) and the facts
// of that kind; a load with several is an Errors list (Flatten).
package resolve
