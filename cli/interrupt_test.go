package cli_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/redistest"
)

// interrupt starts the binary, sends SIGINT after a second, and returns
// its exit code, stderr and how long it took to end after the signal.
func interrupt(t *testing.T, env []string, args ...string) (int, string, time.Duration) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 15 s after SIGINT\n%s", errb.String())
	}
	return cmd.ProcessState.ExitCode(), errb.String(), time.Since(sent)
}

const forever = "local i = 0 while i < 3e9 do i = i + 1 end return i"

// TestInterruptEmbedded: Ctrl-C stops a long script on the embedded Redis
// at once, exit 130 (it hung in miniredis's Close, and a second Ctrl-C
// was swallowed).
func TestInterruptEmbedded(t *testing.T) {
	code, stderr, took := interrupt(t, nil, "exec", "-e", forever)
	if code != 130 || !strings.Contains(stderr, "redis-lua: interrupted") || took > 3*time.Second {
		t.Errorf("exit %d after %v:\n%s", code, took, stderr)
	}
}

// TestInterruptRealServer: on a real server the running script is
// killed (SCRIPT KILL) and the server answers again; a script that has
// written cannot be killed, and the command says so.
func TestInterruptRealServer(t *testing.T) {
	srv := redistest.Real(t)
	url := "REDIS_URL=" + srv.URL()
	code, stderr, took := interrupt(t, []string{url}, "exec", "-e", forever)
	if code != 130 || !strings.Contains(stderr, "interrupted; sent SCRIPT KILL: the script was stopped") || took > 5*time.Second {
		t.Errorf("exit %d after %v:\n%s", code, took, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Client(t).Ping(ctx).Err(); err != nil {
		t.Errorf("the server after the interrupt: %v", err)
	}
	code, stderr, _ = interrupt(t, []string{url}, "exec", "-e", "redis.call('SET', 'w', 1) "+forever)
	if code != 130 || !strings.Contains(stderr, "Redis refuses to kill it") {
		t.Errorf("a script that wrote: exit %d:\n%s", code, stderr)
	}
	srv.Stop() // still busy with the unkillable script
}

// TestInterruptFunction: with --functions, Ctrl-C during the call sends
// FUNCTION KILL (SCRIPT KILL cannot stop a function) and the server
// answers again.
func TestInterruptFunction(t *testing.T) {
	srv := redistest.Real(t)
	code, stderr, took := interrupt(t, []string{"REDIS_URL=" + srv.URL()}, "--functions", "exec", "-e", forever)
	if code != 130 || !strings.Contains(stderr, "interrupted; sent FUNCTION KILL: the script was stopped") || took > 6*time.Second {
		t.Errorf("exit %d after %v:\n%s", code, took, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Client(t).Ping(ctx).Err(); err != nil {
		t.Errorf("the server after the interrupt: %v", err)
	}
}

// TestInterruptCluster: on a cluster, Ctrl-C sends the kill to every
// master (go-redis cannot name the one a keyless call went to) and
// reports the busy one's answer; the cluster answers again.
func TestInterruptCluster(t *testing.T) {
	cl := redistest.NewCluster(t)
	url := "redis+cluster://" + strings.Join(cl.Addrs, ",")
	code, stderr, took := interrupt(t, []string{"REDIS_URL=" + url}, "exec", "-e", forever)
	if code != 130 || !strings.Contains(stderr, "interrupted; sent SCRIPT KILL: the script was stopped") || took > 6*time.Second {
		t.Errorf("exit %d after %v:\n%s", code, took, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := cl.Client(t).ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.Ping(ctx).Err() }); err != nil {
		t.Errorf("the cluster after the interrupt: %v", err)
	}
}
