module github.com/redislua/redislua/cli

go 1.26.0

require (
	github.com/alicebob/miniredis/v2 v2.40.0
	github.com/redis/go-redis/v9 v9.23.0
	github.com/redislua/redislua/codec v0.1.0
	github.com/redislua/redislua/conformance v0.1.0
	github.com/redislua/redislua/directive v0.1.0
	github.com/redislua/redislua/engine v0.1.0
	github.com/redislua/redislua/redistest v0.1.0
	github.com/redislua/redislua/resolve v0.1.0
	github.com/redislua/redislua/vet v0.1.0
	github.com/urfave/cli/v2 v2.27.7
	golang.org/x/tools v0.52.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/cpuguy83/go-md2man/v2 v2.0.7 // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
	github.com/xrash/smetrics v0.0.0-20240521201337-686a1a2994c1 // indirect
	github.com/yuin/gopher-lua v1.1.2 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
