module github.com/redislua/redislua/engine

go 1.24.0

require (
	github.com/alicebob/miniredis/v2 v2.40.0
	github.com/redis/go-redis/v9 v9.22.0
	github.com/redislua/redislua/codec v0.1.0
	github.com/redislua/redislua/redistest v0.1.0
	github.com/redislua/redislua/resolve v0.1.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/redislua/redislua/directive v0.1.0 // indirect
	github.com/yuin/gopher-lua v1.1.2 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
)
