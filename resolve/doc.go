// Package resolve turns a tree of .lua files with redislua directives into
// loaded scripts: it reads them from an io/fs.FS, resolves %include with
// %pragma once, detects cycles, enforces limits, renders the Lua that Redis
// runs and keeps the source map from rendered lines back to real files.
package resolve
