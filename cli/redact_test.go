package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// inlineCall runs "return 1" on the server of raw through the engine and
// returns the call's error, failing the test when there is none.
func inlineCall(t *testing.T, raw string) error {
	t.Helper()
	err := tryInline(t, raw)
	if err == nil {
		t.Fatalf("return 1 on %s: no error", redact(raw))
	}
	return err
}

func tryInline(t *testing.T, raw string) error {
	t.Helper()
	client, err := newClient(raw, false)
	if err != nil {
		t.Fatalf("newClient(%s): %v", redact(raw), err)
	}
	defer client.Close()
	s, err := resolve.New(fstest.MapFS{}).Parse("inline", "return 1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.New(client).Run(context.Background(), s, nil).Result()
	return err
}

// TestRedactedKeepsCause: a runtime error of a URL holding a password
// and a query keeps its text (the dial error), its outcome class and its
// chain; the URL's secrets are not in it (it printed "not a Redis URL"
// for every error of a URL holding "@" or "?").
func TestRedactedKeepsCause(t *testing.T) {
	raw := "redis://user:pw0rd@127.0.0.1:1/0?client_name=t0ken&dial_timeout=2s"
	err := inlineCall(t, raw)
	red := redacted(err, raw)
	msg := red.Error()
	if !strings.Contains(msg, "connection refused") || msg != err.Error() {
		t.Errorf("redacted = %q, want the error's own text %q", msg, err)
	}
	for _, secret := range []string{"pw0rd", "t0ken"} {
		if strings.Contains(msg, secret) {
			t.Errorf("redacted prints %q: %s", secret, msg)
		}
	}
	if !errors.Is(red, engine.ErrNotExecuted) || errors.Is(red, engine.ErrOutcomeUnknown) {
		t.Errorf("redacted(%v): the outcome class is lost", err)
	}
	var ce *engine.CallError
	if !errors.As(red, &ce) || ce != errors.Unwrap(red) {
		t.Errorf("errors.As(*engine.CallError) does not find the call's error in %#v", red)
	}
	if redactErr(err, raw) != msg {
		t.Errorf("redactErr = %q, want %q", redactErr(err, raw), msg)
	}
	if redacted(nil, raw) != nil || redactErr(nil, raw) != "" {
		t.Error("redacted(nil) is not nil")
	}
}

// TestRedactedWrongPass: a wrong password on a real server with
// requirepass says WRONGPASS, not the password, and keeps the class
// and the redis.Error.
func TestRedactedWrongPass(t *testing.T) {
	srv := redistest.Real(t)
	if err := srv.Client(t).ConfigSet(context.Background(), "requirepass", "r1ght-pw").Err(); err != nil {
		t.Fatal(err)
	}
	raw := "redis://default:wr0ng-pw@" + srv.Addr + "/0?client_name=n4me"
	err := inlineCall(t, raw)
	red := redacted(err, raw)
	msg := red.Error()
	if !strings.Contains(msg, "WRONGPASS") || strings.Contains(msg, "wr0ng") || strings.Contains(msg, "r1ght") || strings.Contains(msg, "n4me") {
		t.Errorf("redacted = %q, want WRONGPASS without the password", msg)
	}
	if !errors.Is(red, engine.ErrNotExecuted) {
		t.Errorf("redacted(%v): not ErrNotExecuted", err)
	}
	var re redis.Error
	if !errors.As(red, &re) || !strings.HasPrefix(re.Error(), "WRONGPASS") {
		t.Errorf("errors.As(redis.Error) does not find WRONGPASS in %v", red)
	}
	if err := tryInline(t, strings.Replace(raw, "wr0ng", "r1ght", 1)); err != nil {
		t.Errorf("the right password: %v", err)
	}
}

// TestRedactedQuotedURL: an error whose text quotes the URL, whole or in
// pieces, in the forms messages use, prints no piece of a secret, and
// stays what it wraps.
func TestRedactedQuotedURL(t *testing.T) {
	secret := `PWa,PWb/PWc"PWd@PWe%PWf`
	pieces := []string{"PWa", "PWb", "PWc", "PWd", "PWe", "PWf", "TOKq"}
	escaped := url.QueryEscape(secret)
	urls := []string{
		"redis://user:" + escaped + "@127.0.0.1:1/0",
		"redis://:" + escaped + "@127.0.0.1:1/0?client_name=TOKq",
		"redis://" + escaped + "@127.0.0.1:1/0",
		"redis://127.0.0.1:1/0?password=" + escaped,
		"redis://127.0.0.1:1/0?client_name=TOKq&password=" + escaped + "#frag",
		"redis+cluster://user:" + escaped + "@127.0.0.1:1,127.0.0.1:2",
		"redis+cluster://:" + secret + "@127.0.0.1:1,127.0.0.1:2",
		"rediss://user:" + escaped + "@127.0.0.1:1/0",
	}
	for _, raw := range urls {
		dec, _ := url.QueryUnescape(escaped)
		for _, quoted := range []string{
			raw,
			strconv.Quote(raw),
			fmt.Sprintf("%q", secret),
			secret,
			dec,
			escaped,
			url.PathEscape(secret),
			url.UserPassword("user", secret).String(),
		} {
			if strings.Contains(raw, "TOKq") {
				quoted += " TOKq"
			}
			if !strings.Contains(raw, escaped) && !strings.Contains(raw, secret) {
				continue
			}
			err := fmt.Errorf("dialing %s: %w", quoted, engine.ErrOutcomeUnknown)
			// The flag and the variable one after the other, as the
			// commands pass them.
			for _, given := range []string{raw, raw + "redis://other:pw@h:1/0", "redis://:x@h:1/0" + raw} {
				msg := redactErr(err, given)
				for _, p := range pieces {
					if strings.Contains(msg, p) {
						t.Errorf("%s, an error quoting %s: prints %q: %s", given, quoted, p, msg)
						break
					}
				}
				if !strings.HasPrefix(msg, "dialing ") || !strings.HasSuffix(msg, ": "+engine.ErrOutcomeUnknown.Error()) {
					t.Errorf("%s: the text around the URL changed: %s", given, msg)
				}
				if !errors.Is(redacted(err, given), engine.ErrOutcomeUnknown) {
					t.Errorf("%s: the class is lost", given)
				}
			}
		}
	}
	// The two URLs of the flag and the variable, both hidden.
	given := "redis://:first-pw@h:1/0" + "redis://:second-pw@h:2/0"
	msg := redactErr(errors.New("a first-pw b second-pw c"), given)
	if msg != "a xxxxx b xxxxx c" {
		t.Errorf("two URLs: %q", msg)
	}
	// Overlapping secrets leave no piece of either.
	if got := hideSecrets("..abcd..", []string{"ab", "bcd"}); got != "..xxxxx.." {
		t.Errorf("overlapping secrets: %q", got)
	}
	// Plain options (numbers, durations) stay; other values go.
	msg = redactErr(errors.New("dial_timeout=7s client_name=appname"), "redis://h:1/0?dial_timeout=7s&client_name=appname")
	if msg != "dial_timeout=7s client_name=xxxxx" {
		t.Errorf("query values: %q", msg)
	}
}

// TestRedactedParseError: a URL that does not parse says only that it
// is not a Redis URL when it could hold a secret (the parser's message
// quotes pieces of it), and keeps the parser's error in its chain; one
// that cannot hold a secret keeps the parser's message.
func TestRedactedParseError(t *testing.T) {
	for _, raw := range []string{
		`redis://user:PWa,PWb/PWc"PWd@PWe%PWf@127.0.0.1:1/0`,
		"redis://user:PWa@[bad",
		"redis://127.0.0.1:1/0?password=PWa",
		"redis+cluster://:PWa%zz@127.0.0.1:1",
	} {
		_, err := newClient(raw, false)
		if err == nil {
			t.Fatalf("%s parses", raw)
		}
		red := redacted(err, raw)
		if red.Error() != notURL {
			t.Errorf("%s: %q, want %q", raw, red.Error(), notURL)
		}
		var ue *urlError
		if !errors.As(red, &ue) || !errors.Is(red, ue.err) {
			t.Errorf("%s: the parse error is not in the chain", raw)
		}
	}
	raw := "redis://127.0.0.1:1/x"
	_, err := newClient(raw, false)
	if err == nil || redactErr(err, raw) != err.Error() || !strings.Contains(err.Error(), "invalid database number") {
		t.Errorf("%s: %v, %q", raw, err, redactErr(err, raw))
	}
}
