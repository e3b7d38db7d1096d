module github.com/redislua/redislua/internal/bench

go 1.26.0

require (
	github.com/redis/go-redis/v9 v9.23.0
	github.com/redis/rueidis v1.0.79
	github.com/redislua/redislua/engine v0.1.0
	github.com/redislua/redislua/redistest v0.1.0
	github.com/redislua/redislua/resolve v0.1.0
)

require (
	github.com/alicebob/miniredis/v2 v2.40.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/redislua/redislua/codec v0.1.0 // indirect
	github.com/redislua/redislua/directive v0.1.0 // indirect
	github.com/yuin/gopher-lua v1.1.2 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)
