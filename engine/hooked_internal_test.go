package engine

import (
	"runtime"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestHookedForgetsCollectedClients: a program that makes clients by
// the thousand, each with an engine, does not keep them all through
// the record of hooked clients (it held every client forever); a client
// still in use keeps its entry, and a new engine of it finds it again.
func TestHookedForgetsCollectedClients(t *testing.T) {
	kept := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	defer kept.Close()
	New(kept)
	// The weak keys of 2,000 clients (they do not keep them alive).
	keys := func() []any {
		clients := make([]*redis.Client, 2000)
		keys := make([]any, len(clients))
		for i := range clients {
			clients[i] = redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
			New(clients[i])
			keys[i], _ = hookKey(clients[i])
		}
		runtime.GC()
		for i, k := range keys {
			if _, ok := hooked.Load(k); !ok {
				t.Fatalf("client %d in use is not recorded", i)
			}
		}
		for _, c := range clients {
			c.Close()
		}
		return keys
	}()
	left := func() int {
		n := 0
		for _, k := range keys {
			if _, ok := hooked.Load(k); ok {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for left() > 50 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := left(); n > 50 {
		t.Errorf("%d of 2,000 collected clients still recorded", n)
	}
	key, _ := hookKey(kept)
	if _, ok := hooked.Load(key); !ok {
		t.Error("the client in use lost its entry")
	}
	if _, loaded := hooked.LoadOrStore(key, struct{}{}); !loaded {
		t.Error("a second engine of the client would hook it again")
	}
}
