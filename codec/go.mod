module github.com/redislua/redislua/codec

go 1.22.0
