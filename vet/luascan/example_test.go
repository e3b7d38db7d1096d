package luascan_test

import (
	"fmt"

	"github.com/redislua/redislua/vet/luascan"
)

func Example() {
	s := luascan.New("local n = 0x10 -- sixteen\nreturn [[\n]] .. n")
	for {
		t := s.Next()
		if t.Kind == luascan.EOF {
			break
		}
		fmt.Printf("%d:%d %v %q\n", t.Line, t.Col, t.Kind, t.Text)
	}
	// Output:
	// 1:1 Keyword "local"
	// 1:7 Name "n"
	// 1:9 Op "="
	// 1:11 Number "0x10"
	// 1:16 Comment "-- sixteen"
	// 2:1 Keyword "return"
	// 2:8 LongString "[[\n]]"
	// 3:4 Op ".."
	// 3:7 Name "n"
}
