module github.com/redislua/redislua/directive

go 1.26.0
