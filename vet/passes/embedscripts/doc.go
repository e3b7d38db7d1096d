// Package embedscripts defines an Analyzer that checks the redislua
// scripts a package embeds.
//
// # Analyzer luaembed
//
// luaembed: check embedded redislua scripts
//
// For every //go:embed directive that embeds .lua files, the analyzer
// loads each script the way resolve does at run time — from the embedded
// files only, so an include of a file that is not embedded is reported —
// and reports every directive, include, type, duplicate, cycle and limit
// error, and the Lua linter's findings, at the .lua file, line and
// column, with the //go:embed line as related information.
//
// Script names count from each pattern's directory (lua for the patterns
// lua, lua/*.lua and lua/x.lua), as a loader over fs.Sub(files, "lua")
// sees them.
//
// The linter checks against the target of the project configuration
// (redislua.json in the package's directory or above it, or
// -luaembed.config=FILE; see vet/config) and reports only the rules it
// keeps. A finding reads "error: message (CODE)" or "warning: ...".
//
// go vet fails on any report, so two flags choose what the linter may
// fail a build for: -luaembed.warnings=false reports its errors only,
// -luaembed.disable=RL108,W2 leaves out rules by code or prefix (a
// "redislua:ignore" comment silences one line).
package embedscripts
