module github.com/redislua/redislua/resolve

go 1.24.0

require (
	github.com/redislua/redislua/codec v0.1.0
	github.com/redislua/redislua/directive v0.1.0
)
