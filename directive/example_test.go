package directive_test

import (
	"fmt"

	"github.com/redislua/redislua/directive"
)

func ExampleLex() {
	src := `%key counter_key
%arg step integer
%return integer
return redis.call('INCRBY', counter_key, step)
`
	items, err := directive.Lex(src, directive.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range items {
		fmt.Println(it)
	}
	// Output:
	// 1:1 %key counter_key
	// 2:1 %arg step integer
	// 3:1 %return integer
	// 4:1 text "return redis.call('INCRBY', counter_key, step)\n"
}

func ExampleLex_errors() {
	src := "%inlcude \"lib\"\n%arg n integr\n"
	_, err := directive.Lex(src, directive.Options{Types: []string{"int", "integer", "string"}})
	for _, e := range err.(directive.ErrorList) {
		fmt.Printf("script.lua:%v (%v)\n", e, e.Code)
	}
	// Output:
	// script.lua:1:1: unknown directive %inlcude; did you mean %include? (unknown directive)
	// script.lua:2:8: unknown type "integr"; did you mean integer? (unknown type)
}

func ExampleSuggest() {
	fmt.Println(directive.Suggest("membrs", []string{"members", "size"}))
	// Output: members
}

func ExampleItems() {
	src := "%key counter_key\n%arg step integr\nreturn redis.call('INCRBY', counter_key, step)\n"
	for it := range directive.Items(src, directive.Options{Types: []string{"integer"}}) {
		if it.Kind == directive.Invalid {
			fmt.Println("error:", it.Err)
			continue
		}
		fmt.Println(it)
	}
	// Output:
	// 1:1 %key counter_key
	// error: 2:11: unknown type "integr"; did you mean integer?
	// 3:1 text "return redis.call('INCRBY', counter_key, step)\n"
}
