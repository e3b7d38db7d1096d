package b

import "embed"

//go:embed lua
var scripts embed.FS

var _ = scripts
