module github.com/redislua/redislua/codec

go 1.26.0
