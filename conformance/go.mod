module github.com/redislua/redislua/conformance

go 1.26.0

require (
	github.com/redis/go-redis/v9 v9.17.3
	github.com/redislua/redislua/codec v0.0.0-00010101000000-000000000000
	github.com/redislua/redislua/engine v0.0.0-00010101000000-000000000000
	github.com/redislua/redislua/resolve v0.0.0-00010101000000-000000000000
	golang.org/x/tools v0.52.0
)

require (
	github.com/alicebob/miniredis/v2 v2.35.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dgryski/go-rendezvous v0.0.0-20200823014737-9f7001d12a5f // indirect
	github.com/redislua/redislua/directive v0.0.0-00010101000000-000000000000 // indirect
	github.com/yuin/gopher-lua v1.1.1 // indirect
)

replace (
	github.com/redislua/redislua/codec => ../codec
	github.com/redislua/redislua/directive => ../directive
	github.com/redislua/redislua/engine => ../engine
	github.com/redislua/redislua/resolve => ../resolve
)
