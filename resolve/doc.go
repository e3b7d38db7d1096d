// Package resolve turns a tree of .lua files with redislua directives into
// loaded scripts: it reads them from an io/fs.FS, resolves %include with
// %pragma once, detects cycles, enforces limits, renders the Lua that Redis
// runs and keeps the source map from rendered lines back to real files.
//
// A Loader reads and parses each file once and keeps it in a compact,
// pointer-free form; scripts are rendered straight into one array that
// holds the Lua and its SHA1. The source map (Script.Frames, LineInfo,
// Includes) is built the first time it is asked for, by walking the
// rendering again without writing it: tracebacks need it, most scripts
// never raise one.
package resolve
