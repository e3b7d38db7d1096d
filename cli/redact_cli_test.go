package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/redislua/redislua/redistest"
)

// runBoth runs the command with the URL as --redis and as REDIS_URL, and
// fails the test when the two differ.
func runBoth(t *testing.T, url string, cmd ...string) result {
	t.Helper()
	r := run(t, examples, nil, append([]string{"--redis", url}, cmd...)...)
	if e := run(t, examples, []string{"REDIS_URL=" + url}, cmd...); e != r {
		t.Errorf("%v: --redis gives %+v, REDIS_URL %+v", cmd, r, e)
	}
	return r
}

// sameOutcome checks that a URL with secrets fails a command as the one
// without them does (the same exit code; the same message, which quotes
// no URL), that the message says want, and that no secret is printed.
func sameOutcome(t *testing.T, plain, secret string, secrets []string, want string, cmd ...string) {
	t.Helper()
	p := runBoth(t, plain, cmd...)
	s := runBoth(t, secret, cmd...)
	if p.code != 1 || !strings.Contains(p.stderr, want) {
		t.Errorf("%v on %s: exit %d, want 1 and %q:\n%s", cmd, plain, p.code, want, p.stderr)
	}
	if s.code != p.code || s.stdout != p.stdout {
		t.Errorf("%v: exit %d with secrets in the URL, %d without:\n%s", cmd, s.code, p.code, s.stderr)
	}
	if !strings.Contains(s.stderr, want) || strings.Contains(s.stderr, "not a Redis URL") {
		t.Errorf("%v with secrets in the URL: %q, want %q", cmd, s.stderr, want)
	}
	for _, x := range secrets {
		if strings.Contains(s.stdout+s.stderr, x) {
			t.Errorf("%v prints %q:\n%s", cmd, x, s.stderr)
		}
	}
}

// redactCommands are commands that report a runtime error of the
// server: exec, run and load through the engine's errors, load
// --functions through FUNCTION LOAD's (plain load takes 3 s to give up
// on a closed port, and shares exec's path).
var redactCommands = [][]string{
	{"--dir", "lua", "exec", "-e", "return 1"},
	{"--dir", "lua", "run", "create_foo", "size=1", `members=["a"]`},
	{"--dir", "lua", "load", "--functions"},
}

// TestRuntimeErrorKeepsCause: a URL holding a password and a query
// (it printed "not a Redis URL" for every runtime error of such a URL)
// fails with the dial error and the exit code of the same URL without
// them, and prints neither secret.
func TestRuntimeErrorKeepsCause(t *testing.T) {
	secrets := []string{"s3cr3t-pw", "t0ken"}
	for _, cmd := range redactCommands {
		t.Run(cmd[2], func(t *testing.T) {
			t.Parallel()
			sameOutcome(t, "redis://127.0.0.1:1/0", "redis://user:s3cr3t-pw@127.0.0.1:1/0?client_name=t0ken&dial_timeout=2s",
				secrets, "connection refused", cmd...)
		})
	}
}

// TestWrongPassNamed: a wrong password on a server with requirepass
// says WRONGPASS, without the password, with the exit code of a URL
// without a password (NOAUTH); the right one runs.
func TestWrongPassNamed(t *testing.T) {
	srv := redistest.Real(t)
	if err := srv.Client(t).ConfigSet(context.Background(), "requirepass", "r1ght-pw").Err(); err != nil {
		t.Fatal(err)
	}
	wrong := "redis://default:wr0ng-pw@" + srv.Addr + "/0?client_name=n4me"
	secrets := []string{"wr0ng", "r1ght", "n4me"}
	cmds := append(redactCommands, []string{"--dir", "lua", "load"}, []string{"conformance", "--backend", "redis"})
	for _, cmd := range cmds {
		p := runBoth(t, srv.URL(), cmd...)
		s := runBoth(t, wrong, cmd...)
		if p.code != 1 || !strings.Contains(p.stderr, "NOAUTH") {
			t.Errorf("%v without a password: exit %d\n%s", cmd, p.code, p.stderr)
		}
		if s.code != p.code || !strings.Contains(s.stderr, "WRONGPASS") || strings.Contains(s.stderr, "not a Redis URL") {
			t.Errorf("%v with a wrong password: exit %d (%d without one)\n%s", cmd, s.code, p.code, s.stderr)
		}
		for _, x := range secrets {
			if strings.Contains(s.stdout+s.stderr, x) {
				t.Errorf("%v prints %q:\n%s", cmd, x, s.stderr)
			}
		}
	}
	r := runBoth(t, strings.Replace(wrong, "wr0ng", "r1ght", 1), "exec", "-e", "return 1")
	if r.code != 0 || r.stdout != "1\n" {
		t.Errorf("the right password: %+v", r)
	}
}

// TestOutcomeUnknownKept: a call whose reply is lost (the proxy drops
// the connection after the server ran it) is reported as of unknown
// outcome with the same exit code whether or not the URL holds secrets.
func TestOutcomeUnknownKept(t *testing.T) {
	srv := redistest.Real(t)
	proxy := redistest.NewProxy(t, srv.Addr)
	proxy.SetFault(func(req []byte) redistest.Fault {
		if bytes.Contains(bytes.ToLower(req), []byte("evalsha")) {
			return redistest.DropAfterSend
		}
		return redistest.Pass
	})
	// go-redis sends the password of a server without requirepass with
	// HELLO's AUTH, which the default user (nopass) accepts.
	sameOutcome(t, "redis://"+proxy.Addr+"/0", "redis://:s3cr3t-pw@"+proxy.Addr+"/0?client_name=t0ken",
		[]string{"s3cr3t-pw", "t0ken"}, "outcome unknown", "--dir", "lua", "exec", "-e", "return 1")
}
