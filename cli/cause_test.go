package cli

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/redislua/redislua/engine"
	ucli "github.com/urfave/cli/v2"
)

// runApp runs the command in this process with the environment env and
// returns the error the app gave (before Main turns it into an exit code).
func runApp(t *testing.T, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, rawStdout: &out, getenv: func(k string) string { return vars[k] }, args: args}
	app := e.app()
	err := app.RunContext(context.Background(), append([]string{"redis-lua"}, interspersed(app, args)...))
	return errb.String(), err
}

// TestErrorsKeepTheirClass: a runtime error the command reports keeps
// its cause: errors.Is and errors.As see the engine's outcome classes
// and the dial error through the exit error (callErr and loadFunctions
// made them a string), and the message hides the URL's secrets.
func TestErrorsKeepTheirClass(t *testing.T) {
	const secretURL = "redis://user:s3cr3t-pw@127.0.0.1:1/0?dial_timeout=1s"
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		is   error
	}{
		{"exec --redis", nil, []string{"--redis", secretURL, "exec", "-e", "return 1"}, engine.ErrNotExecuted},
		{"exec REDIS_URL", map[string]string{"REDIS_URL": secretURL}, []string{"exec", "-e", "return 1"}, engine.ErrNotExecuted},
		{"load --functions", nil, []string{"--redis", secretURL, "--dir", "examples/lua", "load", "--functions"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runApp(t, tc.env, tc.args...)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != ExitScript {
				t.Fatalf("err = %#v, want an exit error with code 1", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			var op *net.OpError
			if !errors.As(err, &op) {
				t.Errorf("errors.As(%v, *net.OpError) = false", err)
			}
			if strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "connection refused") {
				t.Errorf("message %q", err.Error())
			}
		})
	}
}

// TestURLInUse: the URL an error is redacted against is the one in use
// (--redis, else $REDIS_URL), not the two glued together.
func TestURLInUse(t *testing.T) {
	for _, tc := range []struct {
		flag, env, want string
	}{
		{"redis://a:1", "redis://b:2", "redis://a:1"},
		{"", "redis://b:2", "redis://b:2"},
		{"", "", ""},
	} {
		var got string
		e := &env{getenv: func(k string) string {
			if k == "REDIS_URL" {
				return tc.env
			}
			return ""
		}}
		app := e.app()
		app.Action = func(c *ucli.Context) error { got = e.redisURL(c); return nil }
		args := []string{"redis-lua"}
		if tc.flag != "" {
			args = append(args, "--redis", tc.flag)
		}
		if err := app.Run(args); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("--redis %q, REDIS_URL %q: %q, want %q", tc.flag, tc.env, got, tc.want)
		}
	}
}

// TestServerURL: the address forms redis-cli users write become URLs;
// URLs stay as they are.
func TestServerURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1:6380", "redis://127.0.0.1:6380"},
		{"cache.internal", "redis://cache.internal:6379"},
		{":7000", "redis://127.0.0.1:7000"},
		{"[::1]:7000", "redis://[::1]:7000"},
		{"[::1]", "redis://[::1]:6379"},
		{"/run/redis.sock", "unix:///run/redis.sock"},
		{"redis://u:p@h:1/2?read_timeout=1s", "redis://u:p@h:1/2?read_timeout=1s"},
		{"rediss://h:1", "rediss://h:1"},
		{"redis+cluster://a:1,b:2", "redis+cluster://a:1,b:2"},
		{"", ""},
	} {
		if got := serverURL(tc.in); got != tc.want {
			t.Errorf("serverURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
