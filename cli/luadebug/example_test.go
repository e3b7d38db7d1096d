package luadebug_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing/fstest"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/cli/luadebug"
	"github.com/redislua/redislua/resolve"
)

// A session on a real server: stop in an included helper, print its
// locals, run to the end. (Not run by go test: it needs a server at
// localhost:6379.)
func Example() {
	scripts := resolve.New(os.DirFS("lua"))
	s, err := scripts.Load("add_score")
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	values := map[string]any{"board_key": "lb", "player": "ann", "points": 120, "max_score": 100}
	d, out, err := luadebug.Start(ctx, &redis.Options{Addr: "localhost:6379"}, s, values,
		luadebug.Options{Breaks: []string{"lib/util.lua:14"}})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	fmt.Println(strings.Join(out, "\n")) // * Stopped at lib/util.lua:14, break point (included from add_score.lua:3)
	out, _ = d.Do(ctx, "print")
	fmt.Println(strings.Join(out, "\n")) // <value> n = 120 ...
	d.Do(ctx, "continue")
	fmt.Println(d.Result()) // 100 <nil>
}

// Breakpoints are checked against the script's files before anything
// is sent: one on a comment names the lines with code around it.
func ExampleBreakError() {
	scripts := resolve.New(fstest.MapFS{
		"main.lua":     {Data: []byte("%include \"lib/util\"\nreturn twice(2)\n")},
		"lib/util.lua": {Data: []byte("-- twice doubles n.\nlocal function twice(n)\n  return 2 * n\nend\n")},
	})
	s, _ := scripts.Load("main")
	for _, at := range []string{"lib/util.lua:1", "lib/other.lua:3", "main.lua:1"} {
		_, _, err := luadebug.Start(context.Background(), &redis.Options{Addr: "127.0.0.1:1"}, s, nil,
			luadebug.Options{Breaks: []string{at}})
		fmt.Println(err)
	}
	// Output:
	// break lib/util.lua:1: no code to stop at (a comment); code at line 2
	// break lib/other.lua:3: main does not include lib/other.lua (its files: lib/util.lua, main.lua)
	// break main.lua:1: an %include line: break in the included file
}
