package codec_test

import (
	"fmt"
	"time"

	"github.com/redislua/redislua/codec"
)

func ExampleEncode() {
	v, err := codec.Encode("members", codec.List, []string{"john", "susan", "bob"})
	fmt.Println(v, err)

	_, err = codec.Encode("members", codec.List, []any{"john", int64(1) << 60})
	fmt.Println(err)
	// Output:
	// ["john","susan","bob"] <nil>
	// argument members[1]: integer 1152921504606846976 is beyond ±2^53 (Lua numbers are doubles)
}

func ExampleDecode() {
	v, _ := codec.Decode(codec.Dict, `{"id":1,"members":["john"]}`)
	fmt.Println(v)
	empty, _ := codec.Decode(codec.List, `{}`) // cjson's empty table
	fmt.Printf("%#v\n", empty)
	_, err := codec.Decode(codec.Integer, "three")
	fmt.Println(err)
	// Output:
	// map[id:1 members:[john]]
	// []interface {}{}
	// reply does not fit %return integer: a string that is not an integer: string "three"
}

func ExampleType_LuaLine() {
	t, _ := codec.ParseType("int")
	fmt.Println(t, "→", t.LuaLine("size", 1))
	// Output: integer → local size = tonumber(ARGV[1])
}

func ExampleParseText() {
	v, _ := codec.ParseText("members", codec.List, `["john", "susan"]`)
	fmt.Printf("%s\n", v)
	_, err := codec.ParseText("size", codec.Integer, "5.5")
	fmt.Println(err)
	// Output:
	// ["john","susan"]
	// argument size: integer "5.5": not a decimal integer
}

func ExampleArgText() {
	v, _ := codec.Encode("ttl", codec.Untyped, 1500*time.Millisecond)
	text, _ := codec.ArgText(v)
	fmt.Println(text) // what go-redis sends: the nanoseconds
	text, _ = codec.ArgText(1e21)
	fmt.Println(text)
	// Output:
	// 1500000000
	// 1000000000000000000000
}
