package engine_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

func parse(t *testing.T, name, src string) *resolve.Script {
	t.Helper()
	s, err := resolve.New(nil).Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNoWritesReplica: a #!lua flags=no-writes script runs with
// EVALSHA_RO, on a replica too; a script that writes is refused there
// with its traceback.
func TestNoWritesReplica(t *testing.T) {
	master := redistest.Real(t)
	replica := redistest.Replica(t, master)
	ctx := context.Background()
	m := master.Client(t)
	m.Set(ctx, "k", "v", 0)
	r := replica.Client(t)
	for i := 0; i < 100 && r.Get(ctx, "k").Val() != "v"; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	read := parse(t, "read", "#!lua flags=no-writes\n%key k\n%return string\nreturn redis.call('GET', k)")
	e := engine.New(r)
	for range 3 {
		if v, err := e.Run(ctx, read, map[string]any{"k": "k"}).Text(); err != nil || v != "v" {
			t.Fatalf("no-writes script on the replica = %q, %v", v, err)
		}
	}
	if n := commandCalls(t, r, "evalsha_ro"); n != 4 {
		t.Errorf("the replica ran EVALSHA_RO %d times, want 4 (the first answered NOSCRIPT, then SCRIPT LOAD and the same again)", n)
	}
	if n := commandCalls(t, r, "eval_ro"); n != 0 {
		t.Errorf("EVAL_RO %d times, want 0", n)
	}
	if n := commandCalls(t, r, `script\|load`); n != 1 {
		t.Errorf("SCRIPT LOAD %d times, want 1", n)
	}
	write := parse(t, "write", "#!lua flags=no-writes\n%key k\nredis.call('SET', k, 'x')\nreturn 1")
	err := engine.New(m).Run(ctx, write, map[string]any{"k": "k"}).Err()
	var se *engine.ScriptError
	if !errors.As(err, &se) || se.Pos().String() != "write.lua:3" {
		t.Errorf("a write in a no-writes script = %v", err)
	}
	if m.Get(ctx, "k").Val() != "v" {
		t.Error("the no-writes script wrote")
	}
}

// TestShebangOnMiniredis: miniredis refuses the #! line; the engine
// sends the script with the line blanked (its own SHA1) and plain
// EVALSHA, and line numbers, so tracebacks, stay right.
func TestShebangOnMiniredis(t *testing.T) {
	srv := redistest.Embedded(t)
	e := engine.New(srv.Client(t))
	ctx := context.Background()
	s := parse(t, "flagged", "#!lua flags=no-writes,allow-oom\n%key k\n%return integer\nif k == 'boom' then error('boom') end\nreturn 7")
	if n, err := e.Run(ctx, s, map[string]any{"k": "k"}).Int64(); err != nil || n != 7 {
		t.Fatalf("flagged script on miniredis = %d, %v", n, err)
	}
	err := e.Run(ctx, s, map[string]any{"k": "boom"}).Err()
	var se *engine.ScriptError
	if !errors.As(err, &se) || se.Pos().String() != "flagged.lua:4" {
		t.Errorf("traceback line = %v", err)
	}
	pipe := srv.Client(t).TxPipeline()
	c := e.Queue(ctx, pipe, s, map[string]any{"k": "k"})
	pipe.Exec(ctx)
	if n, err := c.Int64(); err != nil || n != 7 {
		t.Errorf("in MULTI/EXEC = %d, %v", n, err)
	}
	if err := e.Preload(ctx, s); err != nil {
		t.Errorf("Preload of a flagged script: %v", err)
	}
}

// TestCrossSlotKeysFlag: allow-cross-slot-keys lets a script touch keys
// of other slots of its node (Redis refuses it without the flag); the
// declared keys still hash to one slot, as Redis requires of them (the
// engine leaves that check to the server for such a script).
func TestCrossSlotKeysFlag(t *testing.T) {
	cl := redistest.NewCluster(t)
	c := cl.Client(t)
	ctx := context.Background()
	// Two keys of the first master's slots (0-5460), in different slots.
	var a, b string
	for i := 0; b == ""; i++ {
		k := "k" + strconv.Itoa(i)
		if slot := engine.Slot(k); slot <= 5460 {
			if a == "" {
				a = k
			} else if engine.Slot(a) != slot {
				b = k
			}
		}
	}
	src := "%key a\n%arg b\nredis.call('SET', a, 1)\nredis.call('SET', b, 2)\nreturn 1"
	e := engine.New(c)
	// A script with a #! line and no such flag is refused (a script
	// without #! keeps Redis 6's leniency).
	if err := e.Run(ctx, parse(t, "strict", "#!lua\n"+src), map[string]any{"a": a, "b": b}).Err(); err == nil {
		t.Error("without the flag Redis let the script touch another slot")
	}
	if err := e.Run(ctx, parse(t, "flagged", "#!lua flags=allow-cross-slot-keys\n"+src), map[string]any{"a": a, "b": b}).Err(); err != nil {
		t.Errorf("with allow-cross-slot-keys: %v", err)
	}
	var cs *engine.CrossSlotError
	err := e.Run(ctx, parse(t, "two", "#!lua flags=allow-cross-slot-keys\n%key a\n%key b\nreturn 1"), map[string]any{"a": a, "b": b}).Err()
	if errors.As(err, &cs) || !errors.Is(err, engine.ErrNotExecuted) {
		t.Errorf("declared keys in two slots with the flag: %v, want the server's CROSSSLOT, not executed", err)
	}
}

// TestNoWritesClusterReplicas: on a cluster whose masters have replicas,
// a ClusterClient that routes read-only commands to replicas (ReadOnly,
// RouteByLatency, RouteRandomly) may serve a no-writes script there
// (EVALSHA_RO is a read-only command), each call once with the right
// reply, NOSCRIPT on a replica included; a script that writes still goes
// to the master.
func TestNoWritesClusterReplicas(t *testing.T) {
	cl := redistest.NewCluster(t)
	cl.AddReplicas(t)
	ctx := context.Background()
	keys := []string{"a", "b", "c", "d", "e", "f"}
	seed := cl.Client(t)
	for _, k := range keys {
		seed.Set(ctx, k, "v-"+k, 0)
	}
	read := parse(t, "read", "#!lua flags=no-writes\n%key k\n%return string\nreturn redis.call('GET', k)")
	incr := parse(t, "incr", "%key k\n%return integer\nreturn redis.call('INCR', k)")
	// noScripts counts the EVALSHA_RO refused (NOSCRIPT) by the nodes:
	// each is sent once more after SCRIPT LOAD.
	noScripts := func(addrs []string) (n int) {
		for _, a := range addrs {
			c := redis.NewClient(&redis.Options{Addr: a})
			n += failedCalls(t, c, "evalsha_ro")
			c.Close()
		}
		return n
	}
	nodes := func(addrs []string, cmd string) (n int) {
		for _, a := range addrs {
			c := redis.NewClient(&redis.Options{Addr: a})
			n += commandCalls(t, c, cmd)
			c.Close()
		}
		return n
	}
	for _, a := range append(append([]string(nil), cl.Addrs...), cl.Replicas...) {
		c := redis.NewClient(&redis.Options{Addr: a})
		c.ConfigResetStat(ctx)
		c.Close()
	}
	// Replication is asynchronous: wait until each replica has the keys.
	for i, a := range cl.Replicas {
		m := redis.NewClient(&redis.Options{Addr: cl.Addrs[i]})
		c := redis.NewClient(&redis.Options{Addr: a})
		want := m.DBSize(ctx).Val()
		for i := 0; i < 250 && c.DBSize(ctx).Val() != want; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		m.Close()
		c.Close()
	}
	routes := []struct {
		name string
		opt  redis.ClusterOptions
	}{
		{"ReadOnly", redis.ClusterOptions{ReadOnly: true}},
		{"RouteByLatency", redis.ClusterOptions{RouteByLatency: true}},
		{"RouteRandomly", redis.ClusterOptions{RouteRandomly: true}},
	}
	calls := 0
	for _, r := range routes {
		opt := r.opt
		opt.Addrs = cl.Addrs
		c := redis.NewClusterClient(&opt)
		e := engine.New(c)
		for range 3 {
			for _, k := range keys {
				if v, err := e.Run(ctx, read, map[string]any{"k": k}).Text(); err != nil || v != "v-"+k {
					t.Fatalf("%s: read %s = %q, %v", r.name, k, v, err)
				}
				calls++
			}
		}
		if n, err := e.Run(ctx, incr, map[string]any{"k": "n-" + r.name}).Int64(); err != nil || n != 1 {
			t.Errorf("%s: a writing script = %d, %v", r.name, n, err)
		}
		if r.name == "ReadOnly" {
			if n, refused := nodes(cl.Replicas, "evalsha_ro"), noScripts(cl.Replicas); n != calls+refused {
				t.Errorf("ReadOnly: the replicas ran EVALSHA_RO %d times, want all %d and %d refused", n, calls, refused)
			}
		}
		c.Close()
	}
	ran := nodes(cl.Replicas, "evalsha_ro") + nodes(cl.Addrs, "evalsha_ro")
	if refused := noScripts(cl.Replicas) + noScripts(cl.Addrs); ran != calls+refused {
		t.Errorf("EVALSHA_RO ran %d times over the cluster, want %d (one per call) and %d refused NOSCRIPT", ran, calls, refused)
	}
	if n := nodes(cl.Replicas, "evalsha"); n != 0 {
		t.Errorf("a replica ran the writing script's EVALSHA %d times", n)
	}
}

// TestNoWritesFailoverReplica: a failover client routed to replicas
// (ReplicaOnly, through Sentinel) serves a no-writes script from the
// replica.
func TestNoWritesFailoverReplica(t *testing.T) {
	master := redistest.Real(t)
	replica := redistest.Replica(t, master)
	sentinel := redistest.Sentinel(t, master)
	ctx := context.Background()
	sc := redis.NewSentinelClient(&redis.Options{Addr: sentinel})
	defer sc.Close()
	// Sentinel lists a replica as "slave,disconnected" until it has
	// connected to it, and go-redis's failover client ignores such a
	// replica (it went to the master: a flake, 0 EVALSHA_RO on the
	// replica). Wait, at most 10 s, for a plain "slave".
	for i := 0; ; i++ {
		rs, err := sc.Replicas(ctx, "mymaster").Result()
		if err == nil && len(rs) == 1 && rs[0]["flags"] == "slave" {
			break
		}
		if i == 500 {
			t.Fatalf("sentinel never saw the replica healthy: %v, %v", rs, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	master.Client(t).Set(ctx, "k", "v", 0)
	r := replica.Client(t)
	for i := 0; i < 100 && r.Get(ctx, "k").Val() != "v"; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "mymaster", SentinelAddrs: []string{sentinel}, ReplicaOnly: true})
	defer c.Close()
	read := parse(t, "read", "#!lua flags=no-writes\n%key k\n%return string\nreturn redis.call('GET', k)")
	e := engine.New(c)
	for range 3 {
		if v, err := e.Run(ctx, read, map[string]any{"k": "k"}).Text(); err != nil || v != "v" {
			t.Fatalf("no-writes script through the failover client = %q, %v", v, err)
		}
	}
	if n := commandCalls(t, r, "evalsha_ro"); n != 4 {
		t.Errorf("the replica ran EVALSHA_RO %d times, want 4 (one refused NOSCRIPT)", n)
	}
}
