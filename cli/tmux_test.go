package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redislua/redislua/redistest"
)

// TestCtrlCInTmux: Ctrl-C typed in a terminal (tmux) during a long
// script on a real server: the command says at once that it sends
// SCRIPT KILL, while it still waits for Redis to take it (the script
// has not run busy-reply-threshold yet); then that the script was
// stopped, exit 130, and the server is free again. (It printed nothing
// until the kill's answer, about 5 s after the script started.)
func TestCtrlCInTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("REDISLUA_REQUIRE_REDIS") != "" {
			t.Fatal("no tmux")
		}
		t.Skip("no tmux")
	}
	srv := redistest.Real(t)
	sock := filepath.Join(t.TempDir(), "tmux")
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	line := binary + " exec -e '" + forever + "'; echo EXIT=$?; sleep 60"
	tm("new-session", "-d", "-s", "t", "-x", "400", "-y", "20", "env", "REDIS_URL="+srv.URL(), "bash", "--norc", "-c", line)
	t.Cleanup(func() { exec.Command(tmux, "-S", sock, "kill-server").Run() })
	pane := func() string { return tm("capture-pane", "-p", "-t", "t") }
	waitFor := func(what string, limit time.Duration) string {
		t.Helper()
		deadline := time.Now().Add(limit)
		for {
			p := pane()
			if strings.Contains(p, what) {
				return p
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the pane after %v:\n%s", what, limit, p)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// The command has started and sent the script (the server answers
	// nothing while it runs).
	time.Sleep(time.Second)
	c := srv.Client(t)
	tm("send-keys", "-t", "t", "C-c")
	p := waitFor("sending SCRIPT KILL", 2*time.Second)
	if strings.Contains(p, "EXIT=") || strings.Contains(p, "the script was stopped") {
		t.Errorf("the first line came with the kill's answer, not at once:\n%s", p)
	}
	p = waitFor("EXIT=", 15*time.Second)
	if !strings.Contains(p, "redis-lua: SCRIPT KILL: the script was stopped") || !strings.Contains(p, "EXIT=130") {
		t.Errorf("after Ctrl-C:\n%s", p)
	}
	free(t, c, 2*time.Second)
}
