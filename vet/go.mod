module github.com/redislua/redislua/vet

go 1.26.0

require (
	github.com/redislua/redislua/codec v0.1.0
	github.com/redislua/redislua/resolve v0.1.0
	github.com/yuin/gopher-lua v1.1.2
	golang.org/x/tools v0.52.0
)

require (
	github.com/redislua/redislua/directive v0.1.0
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
)
