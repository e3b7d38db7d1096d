package conformance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// TestServerKey: URLs that name the same server with the same options
// share a key, whatever their spelling; any difference go-redis's options
// see makes another key.
func TestServerKey(t *testing.T) {
	same := [][2]string{
		{"redis://127.0.0.1:6379/0", "REDIS://127.0.0.1:6379"},
		{"redis://LocalHost/", "redis://localhost:6379/0"},
		{"redis://[::1]:7000", "redis://[0:0:0::1]:07000"},
		{"redis://[::ffff:127.0.0.1]:7000", "redis://127.0.0.1:7000"},
		{"redis://127.0.0.1:7000/3", "redis://127.0.0.1:7000?db=3"},
		{"redis://127.0.0.1:7000/0003", "redis://127.0.0.1:7000//3/"},
		{"redis://:p%61ss@h:1", "redis://:pass@h:1"},
		{"redis://u:pw@h:1/0?dial_timeout=1s&read_timeout=2s", "redis://u:pw@H:1?read_timeout=2000ms&dial_timeout=1s"},
		{"rediss://Example.COM:6380", "rediss://example.com:6380/0"},
		{"redis+cluster://B:2,a:1", "REDIS+CLUSTER://a:1,b:2/0"},
		{"redis+cluster://a:1,a:01,a:1", "redis+cluster://a:1"},
		{"rediss+cluster://u:p%2C@a:1,b:2,c:3", "rediss+cluster://u:p,@A:1,c:3,b:2"},
	}
	different := [][2]string{
		{"redis://h:1/0", "redis://h:1/1"},
		{"redis://h:1", "redis://h:2"},
		{"redis://h:1", "redis://g:1"},
		{"redis://a:pw@h:1", "redis://b:pw@h:1"},
		{"redis://:pw1@h:1", "redis://:pw2@h:1"},
		{"redis://h:1", "rediss://h:1"},
		{"rediss://h:1", "rediss://h:1?skip_verify=true"},
		{"redis://h:1", "redis+cluster://h:1"},
		{"redis://h:1", "redis://h:1?client_name=x"},
		{"redis://h:1", "redis://h:1?protocol=2"},
		{"unix:///tmp/a.sock", "unix:///tmp/b.sock"},
		{"redis+cluster://a:1,b:2", "redis+cluster://a:1,b:3"},
		{"redis+cluster://u:p@a:1", "redis+cluster://u:q@a:1"},
		// TLS to a cluster checks the first address's name.
		{"rediss+cluster://a:1,b:2", "rediss+cluster://b:2,a:1"},
	}
	key := func(u string) string {
		k, open, err := serverKey(u)
		if err != nil || open == nil {
			t.Fatalf("serverKey(%s): %v", u, err)
		}
		return k
	}
	for _, p := range same {
		if key(p[0]) != key(p[1]) {
			t.Errorf("%s and %s: different keys, want the same", p[0], p[1])
		}
	}
	for _, p := range different {
		if key(p[0]) == key(p[1]) {
			t.Errorf("%s and %s: the same key, want different ones", p[0], p[1])
		}
	}
	for _, bad := range []string{
		"redis://u:SECRET@[h/0",
		"redis://:SECRET@h:1/x/y",
		"redis://:SECRET@h:1/0?pool_size=SECRET",
		"http://u:SECRET@h:1",
		"redis+cluster://:SECRET%zz@h:1",
		"REDIS+CLUSTER://:SECRET@h",
	} {
		_, _, err := serverKey(bad)
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("serverKey(%s): error %v", bad, err)
		}
	}
}

// TestClients: at most max clients open, the least recently used idle
// one closed when another is needed, none closed while a request uses
// it (a request waits instead), spellings of one URL sharing a client,
// and Close closing each client once no request uses it.
func TestClients(t *testing.T) {
	srv := redistest.Real(t)
	ctx := context.Background()
	type opened struct {
		key  string
		open func() redis.UniversalClient
	}
	server := func(i int) opened {
		k, open, err := serverKey(fmt.Sprintf("%s?client_name=c%d", srv.URL(), i))
		if err != nil {
			t.Fatal(err)
		}
		return opened{k, open}
	}
	acquire := func(cs *clients, i int) *client {
		t.Helper()
		s := server(i)
		c, err := cs.acquire(ctx, s.key, s.open)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	isOpen := func(c *client) bool {
		err := c.engine.Client().Ping(ctx).Err()
		if err != nil && !errors.Is(err, redis.ErrClosed) {
			t.Fatal(err)
		}
		return err == nil
	}
	t.Run("least recently used closed", func(t *testing.T) {
		cs := &clients{max: 3}
		defer cs.Close()
		c := []*client{acquire(cs, 0), acquire(cs, 1), acquire(cs, 2)}
		for _, x := range c {
			cs.release(x)
		}
		cs.release(acquire(cs, 0)) // 1 is now the least recently used
		c = append(c, acquire(cs, 3))
		defer cs.release(c[3])
		if got := []bool{isOpen(c[0]), isOpen(c[1]), isOpen(c[2]), isOpen(c[3])}; fmt.Sprint(got) != "[true false true true]" || len(cs.open) != 3 {
			t.Errorf("open: %v, %d in the map", got, len(cs.open))
		}
	})
	t.Run("one client per server", func(t *testing.T) {
		cs := &clients{max: 3}
		defer cs.Close()
		k1, open1, _ := serverKey("redis://" + srv.Addr + "/0")
		k2, open2, _ := serverKey("REDIS://" + srv.Addr + "/00")
		a, _ := cs.acquire(ctx, k1, open1)
		b, _ := cs.acquire(ctx, k2, open2)
		if a != b || a.users != 2 || len(cs.open) != 1 {
			t.Errorf("two spellings: clients %p and %p, %d users, %d open", a, b, a.users, len(cs.open))
		}
		cs.release(a)
		cs.release(b)
	})
	t.Run("in use never closed: wait", func(t *testing.T) {
		cs := &clients{max: 2}
		defer cs.Close()
		c0, c1 := acquire(cs, 0), acquire(cs, 1)
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		s2 := server(2)
		_, err := cs.acquire(short, s2.key, s2.open)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || !isOpen(c0) || !isOpen(c1) {
			t.Fatalf("a third client with two in use: %v", err)
		}
		got := make(chan *client)
		go func() {
			c2, _ := cs.acquire(ctx, s2.key, s2.open)
			got <- c2
		}()
		time.Sleep(20 * time.Millisecond)
		cs.release(c0)
		c2 := <-got
		if isOpen(c0) || !isOpen(c1) || !isOpen(c2) {
			t.Errorf("after c0's release: open %v %v %v, want false true true", isOpen(c0), isOpen(c1), isOpen(c2))
		}
		cs.release(c1)
		cs.release(c2)
	})
	t.Run("Close", func(t *testing.T) {
		cs := &clients{max: 3}
		busy, idle := acquire(cs, 0), acquire(cs, 1)
		cs.release(idle)
		if err := cs.Close(); err != nil {
			t.Fatal(err)
		}
		if !isOpen(busy) || isOpen(idle) {
			t.Fatalf("after Close: busy open %v, idle open %v", isOpen(busy), isOpen(idle))
		}
		cs.release(busy)
		if isOpen(busy) {
			t.Fatal("still open after its last release")
		}
		again := acquire(cs, 0)
		if again == busy || !isOpen(again) {
			t.Error("not usable again after Close")
		}
		cs.release(again)
		cs.Close()
	})
	t.Run("concurrent", func(t *testing.T) {
		cs := &clients{max: 4}
		defer cs.Close()
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Go(func() {
				for i := range 50 {
					c := acquire(cs, (g*7+i)%10)
					cs.mu.Lock()
					n := len(cs.open)
					cs.mu.Unlock()
					if n > cs.max {
						t.Errorf("%d clients open", n)
					}
					if !isOpen(c) {
						t.Error("a client closed under its request")
					}
					cs.release(c)
				}
			})
		}
		wg.Wait()
	})
}

// TestProtocolKindsDocumented: every error kind the built-in runner
// answers is a row of PROTOCOL.md's table of kinds.
func TestProtocolKindsDocumented(t *testing.T) {
	doc, err := os.ReadFile("PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(\\w+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	var kinds []string
	for _, k := range []resolve.Kind{
		resolve.KindNotFound, resolve.KindRead, resolve.KindCycle, resolve.KindSyntax, resolve.KindType,
		resolve.KindDuplicate, resolve.KindReturn, resolve.KindEscape, resolve.KindConflict, resolve.KindLimit,
	} {
		kinds = append(kinds, string(k))
	}
	for _, file := range []string{"builtin.go", "protocol.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`Kind(?:: | = )"(\w+)"`).FindAllStringSubmatch(string(src), -1) {
			kinds = append(kinds, m[1])
		}
	}
	if len(kinds) < 18 {
		t.Fatalf("only %d kinds found: %v", len(kinds), kinds)
	}
	for _, k := range kinds {
		if !documented[k] {
			t.Errorf("kind %q is not in PROTOCOL.md's table", k)
		}
	}
}
