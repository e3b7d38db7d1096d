package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	srv := redistest.Real(t)
	term := newTmux(t)
	term.start(srv.URL(), binary+" exec -e '"+forever+"'")
	// The command has started and sent the script (the server answers
	// nothing while it runs).
	time.Sleep(time.Second)
	c := srv.Client(t)
	term.keys("C-c")
	p := term.waitFor("sending SCRIPT KILL", 2*time.Second)
	if strings.Contains(p, "EXIT=") || strings.Contains(p, "the script was stopped") {
		t.Errorf("the first line came with the kill's answer, not at once:\n%s", p)
	}
	p = term.waitFor("EXIT=", 15*time.Second)
	if !strings.Contains(p, "redis-lua: SCRIPT KILL: the script was stopped") || !strings.Contains(p, "EXIT=130") {
		t.Errorf("after Ctrl-C:\n%s", p)
	}
	free(t, c, 2*time.Second)
}

// terminal is a tmux server of a test's own, running one command line
// at a time in a 200×50 pane, as a user's terminal would.
type terminal struct {
	t          *testing.T
	tmux, sock string
	session    string // the current session's name
	n          int    // sessions started
}

// newTmux starts nothing yet; without tmux the test is skipped, or fails
// where real components are required (CI).
func newTmux(t *testing.T) *terminal {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("REDISLUA_REQUIRE_REDIS") != "" {
			t.Fatal("no tmux")
		}
		t.Skip("no tmux")
	}
	term := &terminal{t: t, tmux: tmux, sock: filepath.Join(t.TempDir(), "tmux")}
	t.Cleanup(func() { exec.Command(tmux, "-S", term.sock, "kill-server").Run() })
	return term
}

func (term *terminal) run(args ...string) string {
	term.t.Helper()
	out, err := exec.Command(term.tmux, append([]string{"-S", term.sock}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// start runs line in bash with REDIS_URL=url, in a new session beside
// the earlier ones (they end with the test's tmux server); the pane then
// shows "EXIT=<status>" when it ends. Earlier sessions are not killed:
// killing the last one makes the tmux server exit on its own time, and
// a new-session that reaches it while it exits fails with "server
// exited unexpectedly" (seen in CI).
func (term *terminal) start(url, line string) {
	term.t.Helper()
	term.n++
	term.session = "s" + strconv.Itoa(term.n)
	term.run("new-session", "-d", "-s", term.session, "-x", "200", "-y", "50", "env", "REDIS_URL="+url, "bash", "--norc", "-c", line+"; echo EXIT=$?; sleep 60")
}

// keys types keys (tmux send-keys names: "Enter", "C-c").
func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	term.run(append([]string{"send-keys", "-t", term.session}, keys...)...)
}

// waitFor returns the pane (with 50 lines of history) once it shows
// what, or fails the test after limit.
func (term *terminal) waitFor(what string, limit time.Duration) string {
	term.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		p := term.run("capture-pane", "-p", "-t", term.session, "-S", "-50")
		if strings.Contains(p, what) {
			return p
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("no %q in the pane after %v:\n%s", what, limit, p)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
