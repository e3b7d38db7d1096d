module github.com/redislua/redislua/cli

go 1.26.0

require (
	github.com/alicebob/miniredis/v2 v2.35.0
	github.com/redis/go-redis/v9 v9.17.3
	github.com/redislua/redislua/codec v0.0.0-00010101000000-000000000000
	github.com/redislua/redislua/conformance v0.0.0-00010101000000-000000000000
	github.com/redislua/redislua/directive v0.0.0-00010101000000-000000000000
	github.com/redislua/redislua/engine v0.0.0-00010101000000-000000000000
	github.com/redislua/redislua/resolve v0.0.0-00010101000000-000000000000
	github.com/redislua/redislua/vet v0.0.0-00010101000000-000000000000
	github.com/urfave/cli/v2 v2.27.7
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/cpuguy83/go-md2man/v2 v2.0.7 // indirect
	github.com/dgryski/go-rendezvous v0.0.0-20200823014737-9f7001d12a5f // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
	github.com/xrash/smetrics v0.0.0-20240521201337-686a1a2994c1 // indirect
	github.com/yuin/gopher-lua v1.1.1 // indirect
	golang.org/x/tools v0.52.0 // indirect
)

replace (
	github.com/redislua/redislua/codec => ../codec
	github.com/redislua/redislua/conformance => ../conformance
	github.com/redislua/redislua/directive => ../directive
	github.com/redislua/redislua/engine => ../engine
	github.com/redislua/redislua/resolve => ../resolve
	github.com/redislua/redislua/vet => ../vet
)
