package conformance_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redislua/redislua/conformance"
	"github.com/redislua/redislua/redistest"
)

// connections counts the server's client connections other than the
// caller's own, waiting up to five seconds for the count to fall to at
// most want (the server sees a closed connection a moment after the
// client closes it).
func connections(t *testing.T, c *redis.Client, want int) int {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Second)
	for {
		list, err := c.ClientList(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		n := strings.Count(strings.TrimSpace(list), "\n") // every line but the caller's
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// spellings returns n distinct spellings of the URL of the server at
// addr, database 0, all naming the same server with the same options:
// the scheme's case, zeros before the port, and the database written
// as a path with leading zeros, an empty path, or a query.
func spellings(addr string, n int) []string {
	host, port, _ := strings.Cut(addr, ":")
	var out []string
	for i := 0; len(out) < n; i++ {
		scheme := []byte("redis")
		for j := range scheme {
			if i>>j&1 == 1 {
				scheme[j] -= 'a' - 'A'
			}
		}
		zeros := strings.Repeat("0", i>>5&3)
		var db string
		switch k := i >> 7; k {
		case 0:
			db = ""
		case 1:
			db = "/"
		case 2:
			db = "?db=0"
		default:
			db = "/" + strings.Repeat("0", k-2)
		}
		out = append(out, string(scheme)+"://"+host+":"+zeros+port+db)
	}
	return out
}

// TestServeClientsBounded: serve given 2,000 URLs of one real server
// keeps a bounded number of clients (it made one per distinct string,
// never closed: 2,001 server connections). Spellings of the same URL
// share one client; URLs that differ in their options (a client name)
// are different clients, at most 16 open, the least recently used
// closed. Every connection is closed once the runner is.
func TestServeClientsBounded(t *testing.T) {
	srv := redistest.Real(t)
	admin := srv.Client(t)
	for _, tc := range []struct {
		name  string
		urls  []string
		conns int // server connections at most while serving
	}{
		// One client; its pool holds two connections since the engine's
		// first call recovers from NOSCRIPT on a second connection while
		// the first is still held.
		{"one URL spelt 2000 ways", spellings(srv.Addr, 2000), 2},
		{"2000 client names", func() []string {
			var urls []string
			for i := range 2000 {
				urls = append(urls, fmt.Sprintf("redis://%s/0?client_name=c%d", srv.Addr, i))
			}
			return urls
		}(), 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := connections(t, admin, 0); n != 0 {
				t.Fatalf("%d connections before serving", n)
			}
			distinct := map[string]bool{}
			var in strings.Builder
			for i, u := range tc.urls {
				distinct[u] = true
				req, _ := json.Marshal(conformance.Request{ID: i + 1, Op: "run", Files: map[string]string{"main.lua": "return 1"}, Name: "main", Redis: u})
				in.Write(append(req, '\n'))
			}
			if len(distinct) != len(tc.urls) {
				t.Fatalf("%d distinct URLs of %d", len(distinct), len(tc.urls))
			}
			runner := conformance.NewBuiltin()
			defer runner.Close()
			pr, pw := io.Pipe()
			errc := make(chan error, 1)
			go func() {
				errc <- conformance.Serve(context.Background(), strings.NewReader(in.String()), pw, runner)
				pw.Close()
			}()
			sc := bufio.NewScanner(pr)
			for i := 1; sc.Scan(); i++ {
				if want := `{"id":` + strconv.Itoa(i) + `,"ok":true,"result":1}`; sc.Text() != want {
					t.Fatalf("response %s, want %s", sc.Text(), want)
				}
				if i%250 == 0 || i == len(tc.urls) {
					if n := connections(t, admin, tc.conns); n > tc.conns {
						t.Fatalf("%d server connections after %d requests, want at most %d", n, i, tc.conns)
					}
				}
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			if err := runner.Close(); err != nil {
				t.Fatal(err)
			}
			if n := connections(t, admin, 0); n != 0 {
				t.Errorf("%d server connections after the runner closed", n)
			}
		})
	}
}

// TestServeIDsAndKinds: the id of each response and the kind of each
// error are those PROTOCOL.md gives: a line that is not a JSON object,
// or an object without an integer id, is answered with "id": null; an
// unknown op is a protocol error, whatever the files hold.
func TestServeIDsAndKinds(t *testing.T) {
	const files = `"files":{"main.lua":"return 1"},"name":"main"`
	for _, tc := range []struct{ in, want string }{
		{`null`, `{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: not a JSON object"}}`},
		{` [1,2]`, `{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: not a JSON object"}}`},
		{`7`, `{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: not a JSON object"}}`},
		{`"load"`, `{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: not a JSON object"}}`},
		{`{"op":"load",` + files + `}`, `{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: no id"}}`},
		{`{"id":null,"op":"load",` + files + `}`, `{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: no id"}}`},
		{`{"id":"4","op":"load",` + files + `}`, `{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: \"id\" is not an integer"}}`},
		{`{"id":4.5,"op":"load",` + files + `}`, `{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: \"id\" is not an integer"}}`},
		{`{"id":4,"op":"load",` + files + `,"memory":{"m.lua":1}}`, `{"id":4,"ok":false,"error":{"kind":"protocol","message":"bad request: \"memory\" is a number, want a string"}}`},
		{`{"id":5,"op":"load","line":"x",` + files + `}`, `{"id":5,"ok":false,"error":{"kind":"protocol","message":"bad request: \"line\" is a string, want an integer"}}`},
		{`{"id":6,"op":"nope","files":{},"name":"main"}`, `{"id":6,"ok":false,"error":{"kind":"protocol","message":"unknown op \"nope\": want load, map or run"}}`},
		{`{"id":7,"op":"","files":{},"name":""}`, `{"id":7,"ok":false,"error":{"kind":"protocol","message":"unknown op \"\": want load, map or run"}}`},
		{`{"id":8,"op":"run","mode":"nope","redis":"redis://127.0.0.1:1/0",` + files + `}`, `{"id":8,"ok":false,"error":{"kind":"protocol","message":"unknown mode \"nope\": want pipeline, multi or functions, or none"}}`},
		{`{"id":9,"op":"map","line":3,` + files + `}`, `{"id":9,"ok":false,"error":{"kind":"line","message":"no rendered line 3"}}`},
		{`{"id":10,"op":"load","files":{"main.lua/x.lua":"return 1"},"name":"main"}`, `{"id":10,"ok":false,"error":{"kind":"read","message":"main.lua: cannot read script \"main\": not a regular file: a directory","file":"main.lua"}}`},
		{`{"id":11,"op":"load",` + files + `}`, `{"id":11,"ok":true,"render":"return 1"}`},
	} {
		var out strings.Builder
		runner := conformance.NewBuiltin()
		err := conformance.Serve(context.Background(), strings.NewReader(tc.in+"\n"), &out, runner)
		runner.Close()
		if got := strings.TrimSuffix(out.String(), "\n"); err != nil || got != tc.want {
			t.Errorf("%s\n got %s (%v)\nwant %s", tc.in, got, err, tc.want)
		}
	}
}
