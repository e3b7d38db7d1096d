module github.com/redislua/redislua/directive

go 1.23.0
