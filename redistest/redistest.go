// Package redistest gives tests a Redis: a real redis-server started on a
// free loopback port when one is installed, or else the embedded
// miniredis; a throw-away Redis Cluster of three real masters; a fault
// proxy that cuts connections at chosen moments; and assertions for
// script errors.
//
// Set REDISLUA_REQUIRE_REDIS=1 (CI does) to make a missing redis-server
// a test failure instead of a fallback or a skip.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// EnvRequire is the environment variable that makes a real redis-server
// mandatory.
const EnvRequire = "REDISLUA_REQUIRE_REDIS"

// Required reports whether a real redis-server is mandatory.
func Required() bool {
	v := os.Getenv(EnvRequire)
	return v != "" && v != "0" && v != "false"
}

// Server is a Redis for one test.
type Server struct {
	Addr string // host:port on 127.0.0.1
	// Real is true for a real redis-server, false for miniredis.
	Real bool
	// Mini is the embedded server when Real is false.
	Mini *miniredis.Miniredis

	t     testing.TB
	bin   string
	dir   string
	port  int
	extra []string // the server's own arguments (a replica's --replicaof)
	stop  func()
}

// Stop kills a real server (SIGKILL: no goodbye to its clients).
func (s *Server) Stop() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// Start starts a stopped real server again on the same port.
func (s *Server) Start() {
	s.t.Helper()
	if s.stop == nil {
		s.stop = startServer(s.t, s.bin, s.port, s.dir, s.extra...)
	}
}

// URL is the server's redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Client returns a new client of the server, closed when the test ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	t.Cleanup(func() { c.Close() })
	return c
}

// New returns a real redis-server when the binary is installed, else the
// embedded miniredis (a failure when a real server is required).
func New(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err == nil {
		return Real(t)
	}
	if Required() {
		t.Fatalf("redis-server is not installed and %s is set", EnvRequire)
	}
	return Embedded(t)
}

// Embedded returns a new miniredis server.
func Embedded(t testing.TB) *Server {
	t.Helper()
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		t.Fatalf("miniredis: %v", err)
	}
	t.Cleanup(m.Close)
	return &Server{Addr: m.Addr(), Mini: m}
}

// Real returns a real redis-server on a free loopback port, in its own
// temporary directory, without persistence, killed when the test ends.
// Without the binary the test is skipped, or fails when a real server is
// required.
func Real(t testing.TB) *Server {
	t.Helper()
	bin := serverBinary(t)
	port := freePort(t, 0)
	s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), Real: true, t: t, bin: bin, dir: t.TempDir(), port: port}
	s.stop = startServer(t, bin, port, s.dir)
	return s
}

// Replica starts a real redis-server replicating master (a real one) on
// a free loopback port, read-only as replicas are by default, and waits
// until its link to the master is up. Without the binary the test is
// skipped, or fails when a real server is required.
func Replica(t testing.TB, master *Server) *Server {
	t.Helper()
	if !master.Real {
		t.Fatal("redistest.Replica needs a real master")
	}
	bin := serverBinary(t)
	host, mport, _ := net.SplitHostPort(master.Addr)
	port := freePort(t, 0)
	s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), Real: true, t: t, bin: bin, dir: t.TempDir(), port: port, extra: []string{"--replicaof", host, mport}}
	// The master syncs at once instead of waiting 5s for more replicas.
	mc := redis.NewClient(&redis.Options{Addr: master.Addr})
	err := mc.ConfigSet(context.Background(), "repl-diskless-sync-delay", "0").Err()
	mc.Close()
	if err != nil {
		t.Fatalf("master %s: %v", master.Addr, err)
	}
	s.stop = startServer(t, bin, port, s.dir, s.extra...)
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	waitFor(t, "replica on port "+strconv.Itoa(port), 10*time.Second, nil, s.dir+"/redis.log", func(ctx context.Context) error {
		info, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "master_link_status:up") {
			return errors.New("master link not up yet")
		}
		return nil
	})
	return s
}

// serverBinary finds redis-server, or skips the test (fails it when a
// real server is required).
func serverBinary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if Required() {
			t.Fatalf("redis-server is not installed and %s is set", EnvRequire)
		}
		t.Skip("redis-server is not installed")
	}
	return bin
}

// freePort returns a loopback TCP port that was free a moment ago; with
// offset > 0, port+offset was free too (a cluster bus port).
func freePort(t testing.TB, offset int) int {
	t.Helper()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("free port: %v", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		if offset == 0 || port+offset > 65535 {
			l.Close()
			if offset == 0 {
				return port
			}
			continue
		}
		l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+offset))
		l.Close()
		if err == nil {
			l2.Close()
			return port
		}
	}
	t.Fatal("no free port pair found")
	return 0
}

// startServer starts redis-server, waits until it answers, and returns a
// function that kills it (also called at the end of the test).
func startServer(t testing.TB, bin string, port int, dir string, extra ...string) (stop func()) {
	t.Helper()
	args := append([]string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
		"--daemonize", "no",
		"--protected-mode", "no",
		"--logfile", "redis.log",
	}, extra...)
	stop, exited := start(t, bin, dir, args...)
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	waitFor(t, fmt.Sprintf("redis-server on port %d", port), 10*time.Second, exited, dir+"/redis.log",
		func(ctx context.Context) error { return c.Ping(ctx).Err() })
	return stop
}

// start runs bin in dir and returns a function that kills it (called at
// the end of the test too) and a channel closed when it has exited.
func start(t testing.TB, bin, dir string, args ...string) (stop func(), exited <-chan struct{}) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cmd.Process.Kill()
			<-done
		})
	}
	t.Cleanup(stop)
	return stop, done
}

// waitFor polls ready every 20 ms, each try bounded by a second, until it
// returns nil. It fails the test, showing the log file, when the process
// exits (exited may be nil) or timeout passes.
func waitFor(t testing.TB, what string, timeout time.Duration, exited <-chan struct{}, logFile string, ready func(context.Context) error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := ready(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logFile)
			t.Fatalf("%s exited: %s", what, log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile)
			t.Fatalf("%s not ready after %v: %v\n%s", what, timeout, err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Cluster is a throw-away Redis Cluster of three real masters.
type Cluster struct {
	Addrs    []string // the masters
	Replicas []string // set by AddReplicas: the replica of Addrs[i]
	Password string   // set by RequirePass
}

// Client returns a new cluster client, closed when the test ends.
func (c *Cluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs, Password: c.Password})
	t.Cleanup(func() { cc.Close() })
	return cc
}

// NewCluster starts three real redis-server masters on loopback with the
// slots split among them, and waits (at most 30s) until the cluster is
// ready. Without the binary the test is skipped, or fails when a real
// server is required.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	bin := serverBinary(t)
	var addrs []string
	var clients []*redis.Client
	for range 3 {
		port := freePort(t, 10000)
		startServer(t, bin, port, t.TempDir(), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000")
		addr := "127.0.0.1:" + strconv.Itoa(port)
		addrs = append(addrs, addr)
		c := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { c.Close() })
		clients = append(clients, c)
	}
	ctx := context.Background()
	ranges := [][2]int{{0, 5460}, {5461, 10922}, {10923, 16383}}
	for i, c := range clients {
		if err := c.Do(ctx, "cluster", "addslotsrange", ranges[i][0], ranges[i][1]).Err(); err != nil {
			t.Fatalf("CLUSTER ADDSLOTSRANGE on %s: %v", addrs[i], err)
		}
		if i > 0 {
			host, port, _ := net.SplitHostPort(addrs[i])
			if err := clients[0].ClusterMeet(ctx, host, port).Err(); err != nil {
				t.Fatalf("CLUSTER MEET %s: %v", addrs[i], err)
			}
		}
	}
	waitFor(t, "redis cluster", 30*time.Second, nil, "", func(ctx context.Context) error {
		for i, c := range clients {
			info, err := c.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			// CLUSTER SLOTS, deprecated for CLUSTER SHARDS, is what
			// go-redis's ClusterClient reads: wait for what it will see.
			//lint:ignore SA1019 the client's own view
			slots, err := c.ClusterSlots(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_known_nodes:3") || len(slots) != 3 {
				return fmt.Errorf("%s: %d slot ranges, %s", addrs[i], len(slots), strings.Fields(info)[0])
			}
		}
		return nil
	})
	return &Cluster{Addrs: addrs}
}

// AddReplicas gives every master of the cluster one real replica (three
// more redis-server processes, listed in Replicas) and waits (at most
// 30s) until each has synced with its master and every master sees all
// three replicas. Call it before RequirePass.
func (c *Cluster) AddReplicas(t testing.TB) {
	t.Helper()
	if c.Password != "" {
		t.Fatal("redistest: AddReplicas after RequirePass: add the replicas first")
	}
	bin := serverBinary(t)
	ctx := context.Background()
	first := redis.NewClient(&redis.Options{Addr: c.Addrs[0]})
	defer first.Close()
	var replicas []*redis.Client
	var ids []string
	for _, maddr := range c.Addrs {
		m := redis.NewClient(&redis.Options{Addr: maddr})
		id, err := m.Do(ctx, "cluster", "myid").Text()
		if err == nil {
			// Sync at once instead of waiting 5s for more replicas.
			err = m.ConfigSet(ctx, "repl-diskless-sync-delay", "0").Err()
		}
		m.Close()
		if err != nil {
			t.Fatalf("master %s: %v", maddr, err)
		}
		ids = append(ids, id)
		port := freePort(t, 10000)
		startServer(t, bin, port, t.TempDir(), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000")
		addr := "127.0.0.1:" + strconv.Itoa(port)
		r := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { r.Close() })
		host, p, _ := net.SplitHostPort(addr)
		if err := first.ClusterMeet(ctx, host, p).Err(); err != nil {
			t.Fatalf("CLUSTER MEET %s: %v", addr, err)
		}
		c.Replicas = append(c.Replicas, addr)
		replicas = append(replicas, r)
	}
	// A replica must know its master before it can replicate it.
	replicating := make([]bool, len(replicas))
	waitFor(t, "cluster nodes to meet their masters", 30*time.Second, nil, "", func(ctx context.Context) error {
		for i, r := range replicas {
			if replicating[i] {
				continue
			}
			if err := r.ClusterReplicate(ctx, ids[i]).Err(); err != nil {
				return fmt.Errorf("%s: %v", c.Replicas[i], err)
			}
			replicating[i] = true
		}
		return nil
	})
	waitFor(t, "cluster replicas", 30*time.Second, nil, "", func(ctx context.Context) error {
		for i, r := range replicas {
			info, err := r.Info(ctx, "replication").Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "master_link_status:up") {
				return fmt.Errorf("%s: link to its master not up", c.Replicas[i])
			}
		}
		// The masters, which the clients ask for the slots, know the
		// replicas (the replicas learn of each other later, by gossip).
		for _, addr := range c.Addrs {
			n := redis.NewClient(&redis.Options{Addr: addr})
			// CLUSTER SLOTS lists a replica once it is online (CLUSTER
			// SHARDS at once): go-redis's ClusterClient reads it.
			//lint:ignore SA1019 the client's own view
			slots, err := n.ClusterSlots(ctx).Result()
			n.Close()
			if err != nil {
				return err
			}
			for _, s := range slots {
				if len(s.Nodes) != 2 {
					return fmt.Errorf("%s sees %d nodes for slots %d-%d", addr, len(s.Nodes), s.Start, s.End)
				}
			}
		}
		return nil
	})
}

// RequirePass protects every node of the cluster, replicas included,
// with password (and lets them authenticate to each other); Client
// authenticates with it.
func (c *Cluster) RequirePass(t testing.TB, password string) {
	t.Helper()
	for _, addr := range slices.Concat(c.Addrs, c.Replicas) {
		n := redis.NewClient(&redis.Options{Addr: addr, Password: c.Password})
		err := n.ConfigSet(context.Background(), "masterauth", password).Err()
		if err == nil {
			err = n.ConfigSet(context.Background(), "requirepass", password).Err()
		}
		n.Close()
		if err != nil {
			t.Fatalf("CONFIG SET requirepass on %s: %v", addr, err)
		}
	}
	c.Password = password
}

// ScriptError is what the assertions need of an engine.ScriptError (this
// package does not import the engine).
type ScriptError interface {
	error
	Where() (file string, line int)
}

// AssertScriptError fails the test unless err is (or wraps) a script
// error raised at file:line, the real file and line ("keys.lua", 8).
func AssertScriptError(t testing.TB, err error, file string, line int) {
	t.Helper()
	var se ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v (%T), want a script error at %s:%d", err, err, file, line)
	}
	if f, l := se.Where(); f != file || l != line {
		t.Fatalf("script error at %s:%d, want %s:%d: %v", f, l, file, line, err)
	}
}

// Sentinel starts a real Redis Sentinel that monitors master under the
// name "mymaster" and returns its address, for go-redis's failover
// client. Without the binary the test is skipped, or fails when a real
// server is required.
func Sentinel(t testing.TB, master *Server) string {
	t.Helper()
	bin := serverBinary(t)
	if !master.Real {
		t.Fatal("redistest.Sentinel needs a real master")
	}
	dir := t.TempDir()
	host, port, _ := net.SplitHostPort(master.Addr)
	conf := "sentinel monitor mymaster " + host + " " + port + " 1\n" +
		"sentinel down-after-milliseconds mymaster 5000\n"
	if err := os.WriteFile(dir+"/sentinel.conf", []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	sport := freePort(t, 0)
	_, exited := start(t, bin, dir, dir+"/sentinel.conf", "--sentinel", "--port", strconv.Itoa(sport), "--bind", "127.0.0.1", "--protected-mode", "no", "--dir", dir, "--logfile", "sentinel.log")
	addr := "127.0.0.1:" + strconv.Itoa(sport)
	sc := redis.NewSentinelClient(&redis.Options{Addr: addr})
	defer sc.Close()
	waitFor(t, "sentinel", 10*time.Second, exited, dir+"/sentinel.log", func(ctx context.Context) error {
		got, err := sc.GetMasterAddrByName(ctx, "mymaster").Result()
		if err == nil && (len(got) != 2 || got[1] != port) {
			err = fmt.Errorf("master at %v, want port %s", got, port)
		}
		return err
	})
	return addr
}
