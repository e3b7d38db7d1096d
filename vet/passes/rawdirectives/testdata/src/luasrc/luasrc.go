// Package luasrc embeds script texts that another package sends.
package luasrc

import _ "embed"

// ReleaseSrc holds directives: sent as is, Redis cannot compile it.
//
//go:embed lua/release.lua
var ReleaseSrc string // want ReleaseSrc:"raw script lua/release.lua"

//go:embed lua/release.lua
var releaseBytes []byte // want releaseBytes:"raw script lua/release.lua"

// PlainSrc is plain Lua.
//
//go:embed lua/plain.lua
var PlainSrc string

// Bytes returns the script's bytes.
func Bytes() []byte { return releaseBytes }
