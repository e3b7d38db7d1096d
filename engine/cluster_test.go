package engine_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
)

func TestCluster(t *testing.T) {
	cl := redistest.NewCluster(t)
	c := cl.Client(t)
	e := engine.New(c)
	ctx := context.Background()
	incr := load(t, "incr")
	pair := load(t, "pair")

	// Keys that land on each of the three masters, after SCRIPT FLUSH on
	// every one of them.
	if err := c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.ScriptFlush(ctx).Err() }); err != nil {
		t.Fatal(err)
	}
	masters := map[string]bool{}
	for i := 0; len(masters) < 3 && i < 100; i++ {
		key := "k" + strconv.Itoa(i)
		slot := engine.Slot(key)
		if real, err := c.ClusterKeySlot(ctx, key).Result(); err != nil || int(real) != slot {
			t.Fatalf("Slot(%q) = %d, CLUSTER KEYSLOT says %d (%v)", key, slot, real, err)
		}
		node := slot * 3 / engine.Slots
		if masters[strconv.Itoa(node)] {
			continue
		}
		masters[strconv.Itoa(node)] = true
		if n, err := e.Run(ctx, incr, map[string]any{"counter": key}).Int64(); err != nil || n != 1 {
			t.Fatalf("call on master %d (key %s) = %d, %v", node, key, n, err)
		}
	}
	if len(masters) != 3 {
		t.Fatalf("reached %d masters", len(masters))
	}

	// Keys in one slot through a hash tag work; keys in two slots are
	// refused before sending, naming the keys and their slots.
	if n, err := e.Run(ctx, pair, map[string]any{"a": "{user1}.a", "b": "{user1}.b"}).Int64(); err != nil || n != 1 {
		t.Errorf("same-slot pair = %d, %v", n, err)
	}
	_, err := e.Run(ctx, pair, map[string]any{"a": "foo", "b": "bar"}).Result()
	var cs *engine.CrossSlotError
	if !errors.As(err, &cs) || !errors.Is(err, engine.ErrNotExecuted) {
		t.Fatalf("cross-slot call = %v", err)
	}
	if want := `script pair: keys hash to different cluster slots: a="foo" (slot 12182), b="bar" (slot 5061); use a hash tag such as {user42} to keep them in one slot`; err.Error() != want {
		t.Errorf("Error() = %s", err)
	}

	// A keyless script runs on some node.
	raw, err := e.Run(ctx, load(t, "echo/integer"), map[string]any{"v": 7}).Int64()
	if err != nil || raw != 7 {
		t.Errorf("keyless script = %d, %v", raw, err)
	}

	// Pipelines and transactions after SCRIPT FLUSH on every master.
	c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.ScriptFlush(ctx).Err() })
	p := c.Pipeline()
	var calls []*engine.Call
	for i := range 300 {
		calls = append(calls, e.Queue(ctx, p, incr, map[string]any{"counter": "p" + strconv.Itoa(i%30)}))
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatalf("cluster pipeline: %v", err)
	}
	for _, call := range calls {
		if _, err := call.Int64(); err != nil {
			t.Fatal(err)
		}
	}
	c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.ScriptFlush(ctx).Err() })
	var a, b *engine.Call
	_, err = c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		a = e.Queue(ctx, p, incr, map[string]any{"counter": "{tx}n"})
		b = e.Queue(ctx, p, pair, map[string]any{"a": "{tx}n", "b": "{tx}m"})
		return nil
	})
	if err != nil || a.Val() != int64(1) || b.Val() != int64(1) {
		t.Errorf("cluster transaction: %v, %v %v", err, a.Val(), b.Val())
	}
	if v, _ := c.Get(ctx, "{tx}n").Int(); v != 2 {
		t.Errorf("{tx}n = %d, want 2", v)
	}

	// Preload reaches every master.
	c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.ScriptFlush(ctx).Err() })
	if err := e.Preload(ctx, incr, pair); err != nil {
		t.Fatal(err)
	}
	c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		if ok, _ := m.ScriptExists(ctx, incr.SHA1(), pair.SHA1()).Result(); !ok[0] || !ok[1] {
			t.Errorf("%s lacks the preloaded scripts", m.Options().Addr)
		}
		return nil
	})
}

func TestRing(t *testing.T) {
	a, b := redistest.New(t), redistest.New(t)
	ring := redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": a.Addr, "b": b.Addr}})
	t.Cleanup(func() { ring.Close() })
	e := engine.New(ring)
	ctx := context.Background()
	incr := load(t, "incr")
	ring.ForEachShard(ctx, func(ctx context.Context, c *redis.Client) error { return c.ScriptFlush(ctx).Err() })
	for i := range 20 {
		if n, err := e.Run(ctx, incr, map[string]any{"counter": "r" + strconv.Itoa(i)}).Int64(); err != nil || n != 1 {
			t.Fatalf("ring call %d = %d, %v", i, n, err)
		}
	}
	sa, _ := a.Client(t).DBSize(ctx).Result()
	sb, _ := b.Client(t).DBSize(ctx).Result()
	if sa == 0 || sb == 0 || sa+sb != 20 {
		t.Errorf("keys per shard: %d + %d", sa, sb)
	}
}

// TestClusterMigration moves the slot of the keys being called from one
// master to another while calls run, and flushes the new owner's script
// cache: go-redis follows ASK and MOVED, the engine lets those resends
// through, no call runs twice, and NOSCRIPT surfaces only as an outcome
// unknown (a call refused by the new owner while another call's EVAL
// loaded the script there: see TestHardeningFlushStorm).
func TestClusterMigration(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	cl := redistest.NewCluster(t)
	c := cl.Client(t)
	e := engine.New(c)
	ctx := context.Background()
	incr := load(t, "incr")
	slot := engine.Slot("{mig}")
	nodes := map[string]*redis.Client{}
	ids := map[string]string{}
	for _, addr := range cl.Addrs {
		n := redis.NewClient(&redis.Options{Addr: addr})
		defer n.Close()
		nodes[addr] = n
		id, err := n.Do(ctx, "cluster", "myid").Text()
		if err != nil {
			t.Fatal(err)
		}
		ids[addr] = id
	}
	var from, to string
	shards, err := nodes[cl.Addrs[0]].ClusterShards(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shards {
		for _, r := range sh.Slots {
			if int(r.Start) <= slot && slot <= int(r.End) {
				for _, n := range sh.Nodes {
					if n.Role == "master" {
						from = net.JoinHostPort(n.IP, strconv.FormatInt(n.Port, 10))
					}
				}
			}
		}
	}
	for _, addr := range cl.Addrs {
		if addr != from {
			to = addr
			break
		}
	}
	stop := make(chan struct{})
	var out outcomes
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := "{mig}" + strconv.Itoa((g*1000+i)%50)
				_, err := e.Run(ctx, incr, map[string]any{"counter": key}).Int64()
				if !out.add(err) || errors.Is(err, engine.ErrNotExecuted) || err != nil && !strings.Contains(err.Error(), "NOSCRIPT") {
					t.Errorf("call during migration: %v", err)
					return
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	src, dst := nodes[from], nodes[to]
	host, port, _ := strings.Cut(to, ":")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	dst.ScriptFlush(ctx)
	must(dst.Do(ctx, "cluster", "setslot", slot, "importing", ids[from]).Err())
	must(src.Do(ctx, "cluster", "setslot", slot, "migrating", ids[to]).Err())
	for {
		keys, err := src.Do(ctx, "cluster", "getkeysinslot", slot, 100).StringSlice()
		must(err)
		if len(keys) == 0 {
			break
		}
		args := []any{"migrate", host, port, "", 0, 5000, "keys"}
		for _, k := range keys {
			args = append(args, k)
		}
		must(src.Do(ctx, args...).Err())
	}
	// The new owner first, then the old one, then the rest, as Redis's
	// documentation orders it: in another order (this loop once ranged
	// over a map) two nodes can point at each other for a moment and
	// go-redis's three redirections run out (a flake, "not executed:
	// MOVED", correctly reported).
	order := []string{to, from}
	for _, addr := range cl.Addrs {
		if addr != to && addr != from {
			order = append(order, addr)
		}
	}
	for _, addr := range order {
		must(nodes[addr].Do(ctx, "cluster", "setslot", slot, "node", ids[to]).Err())
	}
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	var total int64
	for i := range 50 {
		n, _ := dst.Get(ctx, "{mig}"+strconv.Itoa(i)).Int64() // the slot's owner now
		total += n
	}
	t.Logf("slot %d moved from %s to %s: %s; counter sum %d", slot, from, to, &out, total)
	out.check(t, total)
}

// TestFailoverClient runs scripts through go-redis's failover client,
// which finds the master through a real Sentinel.
func TestFailoverClient(t *testing.T) {
	master := redistest.Real(t)
	sentinel := redistest.Sentinel(t, master)
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "mymaster", SentinelAddrs: []string{sentinel}})
	defer c.Close()
	e := engine.New(c)
	ctx := context.Background()
	master.Client(t).ScriptFlush(ctx)
	for i := 1; i <= 3; i++ {
		if n, err := e.Run(ctx, load(t, "incr"), map[string]any{"counter": "fo"}).Int64(); err != nil || n != int64(i) {
			t.Fatalf("failover call %d = %d, %v", i, n, err)
		}
	}
	p := c.Pipeline()
	call := e.Queue(ctx, p, load(t, "incr"), map[string]any{"counter": "fo"})
	p.Exec(ctx)
	if n, err := call.Int64(); err != nil || n != 4 {
		t.Errorf("failover pipeline = %d, %v", n, err)
	}
}
