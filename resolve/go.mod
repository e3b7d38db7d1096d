module github.com/redislua/redislua/resolve

go 1.26.0

require (
	github.com/redislua/redislua/codec v0.0.0-00010101000000-000000000000
	github.com/redislua/redislua/directive v0.0.0-00010101000000-000000000000
)

replace (
	github.com/redislua/redislua/codec => ../codec
	github.com/redislua/redislua/directive => ../directive
)
