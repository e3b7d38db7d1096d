package cli_test

import (
	"bytes"
	"context"
	"fmt"
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
	return interruptAt(t, env, []time.Duration{time.Second}, args...)
}

// interruptAt starts the binary, sends SIGINT at each of the times
// given (from the start), and returns its exit code, stderr and how
// long it took to end after the last signal.
func interruptAt(t *testing.T, env []string, at []time.Duration, args ...string) (int, string, time.Duration) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var sent time.Time
	for _, d := range at {
		time.Sleep(time.Until(start.Add(d)))
		cmd.Process.Signal(syscall.SIGINT)
		sent = time.Now()
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 20 s after SIGINT\n%s", errb.String())
	}
	return cmd.ProcessState.ExitCode(), errb.String(), time.Since(sent)
}

// free waits until the server answers PING again (within limit).
func free(t *testing.T, c *redis.Client, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server is not free %v after the command: %v", limit, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
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
	want := "redis-lua: interrupted: sending SCRIPT KILL (Redis answers once the script has run busy-reply-threshold, 5 s by default; Ctrl-C again to exit without waiting)\nredis-lua: SCRIPT KILL: the script was stopped\n"
	if code != 130 || stderr != want || took > 5*time.Second {
		t.Errorf("exit %d after %v:\n%s", code, took, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Client(t).Ping(ctx).Err(); err != nil {
		t.Errorf("the server after the interrupt: %v", err)
	}
	code, stderr, _ = interrupt(t, []string{url}, "exec", "-e", "redis.call('SET', 'w', 1) "+forever)
	if code != 130 || !strings.Contains(stderr, "SCRIPT KILL: refused (UNKILLABLE): the script has written") || strings.Contains(stderr, "SHUTDOWN") {
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
	if code != 130 || !strings.Contains(stderr, "redis-lua: FUNCTION KILL: the script was stopped") || took > 6*time.Second {
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
	if code != 130 || !strings.Contains(stderr, "redis-lua: SCRIPT KILL: the script was stopped") || took > 6*time.Second {
		t.Errorf("exit %d after %v:\n%s", code, took, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := cl.Client(t).ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.Ping(ctx).Err() }); err != nil {
		t.Errorf("the cluster after the interrupt: %v", err)
	}
}

// until is a script that runs for about the given seconds (by the
// server's clock) and returns "done".
func until(seconds int) string {
	return fmt.Sprintf("local s = tonumber(redis.call('TIME')[1]) while tonumber(redis.call('TIME')[1]) - s < %d do end return 'done'", seconds)
}

// TestLongScripts: a script call waits as long as the script runs (it
// failed after the client's 5 s read timeout, outcome unknown, the
// script still running); --timeout sets a limit, past which the script
// is killed as on Ctrl-C (exit 1), and the server is free again; a
// read_timeout in the URL is go-redis's for every command.
func TestLongScripts(t *testing.T) {
	t.Parallel()
	srv := redistest.Real(t)
	for _, tc := range []struct {
		name   string
		url    string
		args   []string
		code   int
		stdout string
		stderr []string
	}{
		{"past the 5 s default", srv.URL(), []string{"exec", "-e", until(6)}, 0, "\"done\"\n", nil},
		{"--timeout longer than the script", srv.URL(), []string{"--timeout", "1m", "exec", "-e", until(1)}, 0, "\"done\"\n", nil},
		{"--timeout kills", srv.URL(), []string{"exec", "-e", forever, "--timeout", "500ms"}, 1, "", []string{
			"redis-lua: no reply after --timeout 500ms: sending SCRIPT KILL", "redis-lua: SCRIPT KILL: the script was stopped\n"}},
		{"read_timeout in the URL", srv.URL() + "?read_timeout=1s", []string{"exec", "-e", until(3)}, 1, "", []string{"outcome unknown", "i/o timeout"}},
		{"--timeout on the embedded Redis", "", []string{"exec", "-e", forever, "--timeout", "500ms"}, 1, "", []string{
			"redis-lua: no reply after --timeout 500ms (the embedded Redis cannot stop a script: it ends with the command)\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env []string
			if tc.url != "" {
				env = []string{"REDIS_URL=" + tc.url}
			}
			r := run(t, t.TempDir(), env, tc.args...)
			if r.code != tc.code || r.stdout != tc.stdout {
				t.Errorf("%v: %+v", tc.args, r)
			}
			for _, w := range tc.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("%v: stderr %q lacks %q", tc.args, r.stderr, w)
				}
			}
			free(t, srv.Client(t), 5*time.Second)
		})
	}
}

// TestSecondInterrupt: a second Ctrl-C while the kill waits for its
// answer exits at once (130), saying the kill's outcome is unknown; the
// server is free again once the script ends.
func TestSecondInterrupt(t *testing.T) {
	t.Parallel()
	srv := redistest.Real(t)
	code, stderr, took := interruptAt(t, []string{"REDIS_URL=" + srv.URL()}, []time.Duration{time.Second, 1500 * time.Millisecond}, "exec", "-e", until(4))
	if code != 130 || !strings.Contains(stderr, "interrupted: sending SCRIPT KILL") ||
		!strings.Contains(stderr, "redis-lua: interrupted again: exiting without SCRIPT KILL's answer: whether the script was stopped is unknown") || took > 2*time.Second {
		t.Errorf("exit %d after %v:\n%s", code, took, stderr)
	}
	free(t, srv.Client(t), 10*time.Second)
}

// TestKillWaitsForTheServer: the kill waits as long as the server takes
// to read it (busy-reply-threshold, here 11 s): it gave up after 10 s
// ("i/o timeout") and left the script running.
func TestKillWaitsForTheServer(t *testing.T) {
	t.Parallel()
	srv := redistest.Real(t)
	if err := srv.Client(t).ConfigSet(context.Background(), "busy-reply-threshold", "11000").Err(); err != nil {
		t.Fatal(err)
	}
	code, stderr, _ := interrupt(t, []string{"REDIS_URL=" + srv.URL()}, "exec", "-e", forever)
	if code != 130 || !strings.Contains(stderr, "redis-lua: SCRIPT KILL: the script was stopped") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	free(t, srv.Client(t), 2*time.Second)
}
