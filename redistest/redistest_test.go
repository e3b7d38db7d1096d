package redistest_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/redistest"
)

// ping proves a server answers and keeps what it is given.
func ping(t *testing.T, s *redistest.Server) {
	t.Helper()
	c := s.Client(t)
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("%s: SET: %v", s.Addr, err)
	}
	if got, err := c.Get(ctx, "k").Result(); got != "v" || err != nil {
		t.Fatalf("%s: GET = %q, %v", s.Addr, got, err)
	}
	if !strings.HasPrefix(s.Addr, "127.0.0.1:") || s.URL() != "redis://"+s.Addr+"/0" {
		t.Errorf("Addr %q, URL %q: want loopback and redis://addr/0", s.Addr, s.URL())
	}
}

func TestEmbedded(t *testing.T) {
	s := redistest.Embedded(t)
	if s.Real || s.Mini == nil {
		t.Fatalf("Embedded = Real %v, Mini %v", s.Real, s.Mini)
	}
	ping(t, s)
}

// TestNew: a real server whenever redis-server is installed (CI installs
// it and sets REDISLUA_REQUIRE_REDIS=1), which can be stopped and started
// again on its port.
func TestNew(t *testing.T) {
	s := redistest.New(t)
	_, installed := exec.LookPath("redis-server")
	if s.Real != (installed == nil) {
		t.Fatalf("New: Real = %v with redis-server installed = %v", s.Real, installed == nil)
	}
	ping(t, s)
	if !s.Real {
		return
	}
	c := s.Client(t)
	s.Stop()
	if err := c.Ping(context.Background()).Err(); err == nil {
		t.Fatal("PING answered after Stop")
	}
	s.Start()
	ping(t, s)
}

type scriptErr struct {
	file string
	line int
}

func (e *scriptErr) Error() string        { return fmt.Sprintf("%s:%d: boom", e.file, e.line) }
func (e *scriptErr) Where() (string, int) { return e.file, e.line }
func wrapped(file string, line int) error { return fmt.Errorf("call: %w", &scriptErr{file, line}) }

// recorder is a testing.TB that records a failure instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

// Fatalf records the failure and ends the goroutine, as testing's does.
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestAssertScriptError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string // "" = the assertion passes
	}{
		{wrapped("keys.lua", 8), ""},
		{wrapped("keys.lua", 9), "script error at keys.lua:9, want keys.lua:8"},
		{wrapped("other.lua", 8), "script error at other.lua:8, want keys.lua:8"},
		{errors.New("plain"), "want a script error at keys.lua:8"},
		{nil, "want a script error at keys.lua:8"},
	} {
		r := &recorder{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			redistest.AssertScriptError(r, tc.err, "keys.lua", 8)
		}()
		<-done
		if (r.failed == "") != (tc.want == "") || !strings.Contains(r.failed, tc.want) {
			t.Errorf("AssertScriptError(%v) failed with %q, want %q", tc.err, r.failed, tc.want)
		}
	}
}

// TestClusterReplicasPassword: AddReplicas gives each master a replica
// that its master's slots list; RequirePass then protects the replicas
// too, and a password-holding client reads through them (ReadOnly).
func TestClusterReplicasPassword(t *testing.T) {
	cl := redistest.NewCluster(t)
	cl.AddReplicas(t)
	if len(cl.Replicas) != 3 {
		t.Fatalf("replicas %v", cl.Replicas)
	}
	cl.RequirePass(t, "s3cret")
	ctx := context.Background()
	for _, addr := range cl.Replicas {
		n := redis.NewClient(&redis.Options{Addr: addr})
		err := n.Ping(ctx).Err()
		n.Close()
		if err == nil || !strings.Contains(err.Error(), "NOAUTH") {
			t.Errorf("replica %s without the password: %v", addr, err)
		}
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs, Password: cl.Password, ReadOnly: true})
	defer c.Close()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.ForEachShard(ctx, func(ctx context.Context, n *redis.Client) error { return n.Ping(ctx).Err() }); err != nil {
		t.Errorf("a node refuses the password: %v", err)
	}
}
