package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/conformance"
	ucli "github.com/urfave/cli/v2"
)

// redisURL is the Redis URL the command uses: --redis, else $REDIS_URL,
// else "" (the embedded Redis).
func (e *env) redisURL(c *ucli.Context) string {
	if raw := c.String("redis"); raw != "" {
		return raw
	}
	return e.getenv("REDIS_URL")
}

// connect returns the client of --redis or $REDIS_URL, or of an embedded
// in-memory Redis (with a note on stderr), and a function that closes it.
func (e *env) connect(c *ucli.Context) (redis.UniversalClient, func(), error) {
	raw := e.redisURL(c)
	if raw == "" {
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, nil, failf("embedded Redis: %v", err)
		}
		fmt.Fprintln(e.stderr, "redis-lua: no --redis or REDIS_URL: using an embedded in-memory Redis (its data is gone at exit)")
		opt := &redis.Options{Addr: m.Addr()}
		if waitsForScripts(c) {
			opt.ReadTimeout = -1
		}
		client := redis.NewClient(opt)
		return client, func() {
			client.Close()
			if c.Context.Err() == nil && !e.abandoned {
				// miniredis's Close waits for a running script, which
				// nothing can stop: after an interrupt or a timeout
				// the process exits without it.
				m.Close()
			}
		}, nil
	}
	client, err := newClientWaiting(raw, c.Bool("cluster"), waitsForScripts(c))
	if err != nil {
		r := redacted(err, raw)
		return nil, nil, &exitError{code: ExitUsage, msg: fmt.Sprintf("--redis %s: %v", redact(raw), r), cause: r}
	}
	return client, func() { client.Close() }, nil
}

// waitsForScripts is whether the command runs scripts and so waits for
// their replies as long as they run (run and exec), instead of the
// client's default read timeout (5 s).
func waitsForScripts(c *ucli.Context) bool {
	return c.Command != nil && (c.Command.Name == "run" || c.Command.Name == "exec")
}

// newClient parses redis://, rediss:// and redis+cluster:// URLs (the
// last as conformance.ParseClusterURL reads them), and the address forms
// of serverURL. A URL that does not parse is a *urlError.
func newClient(raw string, cluster bool) (redis.UniversalClient, error) {
	return newClientWaiting(raw, cluster, false)
}

// newClientWaiting is newClient; with wait, the client has no read
// timeout (a script call waits as long as the script runs) unless the
// URL sets one (?read_timeout=).
func newClientWaiting(raw string, cluster, wait bool) (redis.UniversalClient, error) {
	raw = serverURL(raw)
	wait = wait && !hasQuery(raw, "read_timeout")
	if strings.HasPrefix(raw, "redis+cluster://") || strings.HasPrefix(raw, "rediss+cluster://") {
		opt, err := conformance.ParseClusterURL(raw)
		if err != nil {
			return nil, &urlError{err}
		}
		if wait {
			opt.ReadTimeout = -1
		}
		return redis.NewClusterClient(opt), nil
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		return nil, &urlError{err}
	}
	if wait {
		opt.ReadTimeout = -1
	}
	if cluster {
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: []string{opt.Addr}, Username: opt.Username, Password: opt.Password, TLSConfig: opt.TLSConfig,
			ReadTimeout: opt.ReadTimeout,
		}), nil
	}
	return redis.NewClient(opt), nil
}

// hasQuery is whether the URL raw has the query parameter key.
func hasQuery(raw, key string) bool {
	_, query, ok := strings.Cut(raw, "?")
	if !ok {
		return false
	}
	query, _, _ = strings.Cut(query, "#")
	for _, kv := range strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' }) {
		k, _, _ := strings.Cut(kv, "=")
		if k, err := url.QueryUnescape(k); err == nil && k == key {
			return true
		}
	}
	return false
}

// serverURL is the URL of a server written as redis-cli users write it:
// host:port, host (port 6379), :port (host 127.0.0.1), [::1]:port, or a
// socket's /path; a URL (anything holding "://") is returned as it is.
func serverURL(raw string) string {
	if raw == "" || strings.Contains(raw, "://") {
		return raw
	}
	if strings.HasPrefix(raw, "/") {
		return "unix://" + raw
	}
	host, port, err := net.SplitHostPort(raw)
	if err != nil {
		// No port: the whole is the host ([::1] or ::1 too).
		host, port = strings.TrimSuffix(strings.TrimPrefix(raw, "["), "]"), "6379"
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "6379"
	}
	return "redis://" + net.JoinHostPort(host, port)
}

// urlError is a URL that does not parse. Its text may quote pieces of
// the URL (Go's url errors quote it escaped, cut at a comma or a slash),
// which no redaction of whole secrets would catch.
type urlError struct{ err error }

func (e *urlError) Error() string { return e.err.Error() }
func (e *urlError) Unwrap() error { return e.err }

// redact hides whatever of a URL could be a secret: the user
// information (everything up to the last "@", whatever characters the
// password holds: , / " @ %) and the query (?password=...).
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = raw
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = "xxxxx@" + rest[at+1:]
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest = rest[:q] + "?xxxxx"
	}
	if ok {
		return scheme + "://" + rest
	}
	return rest
}

// redactErr is the text of redacted(err, raw) ("" for nil). A caller
// that keeps the error (for errors.Is) wants redacted itself.
func redactErr(err error, raw string) string {
	if err == nil {
		return ""
	}
	return redacted(err, raw).Error()
}

// notURL is what an unparsable URL that could hold a secret says instead
// of the parser's message.
const notURL = "not a Redis URL: want redis://[user:password@]host:port[/db], rediss://... for TLS, or redis+cluster://[user:password@]host:port,host:port (a password holding @ / , ? # % must be percent-encoded)"

// redacted is err, for a command given the Redis URL raw (the flag and
// the variable may both be in it, one after the other), with the URL's
// secrets hidden in its text: its message is err's with every
// occurrence of the user information, the password and the query's
// values (secrets) replaced by "xxxxx", in any of the forms a message
// may quote them (as written, %-decoded, re-escaped, Go-quoted). A
// secret is hidden wherever it occurs, so a short password also hides
// the same letters elsewhere in the message: a message that says too
// little rather than one that prints the password. errors.Is and
// errors.As see err and its chain (the engine's outcome classes,
// *engine.CallError, redis.Error), whose own texts are not redacted. A
// URL that does not parse (a *urlError) says only that it is not a
// Redis URL when it could hold a secret (it holds "@" or "?").
func redacted(err error, raw string) error {
	if err == nil {
		return nil
	}
	var ue *urlError
	if errors.As(err, &ue) && strings.ContainsAny(raw, "@?") {
		return &redactedError{err: err, msg: notURL}
	}
	return &redactedError{err: err, msg: hideSecrets(err.Error(), urlSecrets(raw))}
}

// redactedError is an error whose text hides a URL's secrets; it wraps
// the error it hides them in.
type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// hideSecrets replaces every byte of text that lies in an occurrence of
// a secret by "xxxxx", once per run of such bytes: overlapping or
// adjacent secrets leave no piece of either visible.
func hideSecrets(text string, secrets []string) string {
	hidden := make([]bool, len(text))
	found := false
	for _, s := range secrets {
		for from := 0; from < len(text); {
			i := strings.Index(text[from:], s)
			if i < 0 {
				break
			}
			for j := from + i; j < from+i+len(s); j++ {
				hidden[j] = true
			}
			found = true
			from += i + 1
		}
	}
	if !found {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		if !hidden[i] {
			b.WriteByte(text[i])
			continue
		}
		b.WriteString("xxxxx")
		for i+1 < len(text) && hidden[i+1] {
			i++
		}
	}
	return b.String()
}

// plainQuery are the query parameters of go-redis's URLs whose values
// are numbers, durations or booleans: the only values not hidden.
var plainQuery = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`db protocol max_retries min_retry_backoff max_retry_backoff
		dial_timeout read_timeout write_timeout pool_fifo pool_size pool_timeout
		min_idle_conns max_idle_conns max_active_conns max_concurrent_dials
		pipeline_pool_size pipeline_read_buffer_size pipeline_write_buffer_size
		conn_max_idle_time idle_timeout conn_max_lifetime max_conn_age
		conn_max_lifetime_jitter skip_verify`) {
		plainQuery[k] = true
	}
}

// urlSecrets lists the secrets of raw, one or more URLs written one
// after the other: for raw and for each URL in it (from one scheme:// to
// the next), the user information (up to the last "@"; as url.Parse
// reads it too), the password (after its first ":"), and the query
// (after the first "?") whole and each value but those of plainQuery;
// each in every form a message may quote it.
func urlSecrets(raw string) []string {
	seen := map[string]bool{}
	var secrets []string
	add := func(s string) {
		forms := []string{s}
		for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
			if d, err := unescape(s); err == nil {
				forms = append(forms, d)
			}
		}
		var escaped []string
		for _, f := range forms {
			q := strconv.Quote(f)
			escaped = append(escaped, url.PathEscape(f), url.QueryEscape(f), q[1:len(q)-1],
				strings.TrimPrefix(url.UserPassword("", f).String(), ":"))
		}
		for _, f := range append(forms, escaped...) {
			if f != "" && !seen[f] {
				seen[f] = true
				secrets = append(secrets, f)
			}
		}
	}
	urls := []string{raw}
	starts := schemeStart.FindAllStringIndex(raw, -1)
	for i, m := range starts {
		end := len(raw)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		urls = append(urls, raw[m[0]:end])
	}
	for _, u := range urls {
		_, rest, ok := strings.Cut(u, "://")
		if !ok {
			rest = u
		}
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			info := rest[:at]
			add(info)
			if _, pw, ok := strings.Cut(info, ":"); ok {
				add(pw)
			}
		}
		if _, query, ok := strings.Cut(rest, "?"); ok {
			query, _, _ = strings.Cut(query, "#")
			add(query)
			for _, kv := range strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' }) {
				k, v, _ := strings.Cut(kv, "=")
				if k, err := url.QueryUnescape(k); err != nil || !plainQuery[k] {
					add(v)
				}
			}
		}
		if p, err := url.Parse(u); err == nil && p.User != nil {
			add(p.User.String())
			if pw, ok := p.User.Password(); ok {
				add(pw)
			}
		}
	}
	// Longest first: the replacement does not depend on the order, but
	// a reader of the list does.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	return secrets
}

// schemeStart finds where each URL of a string of several begins: the
// schemes the command reads (a general pattern would take the end of a
// query value for the start of the next scheme).
var schemeStart = regexp.MustCompile(`(?:rediss?(?:\+cluster)?|unix)://`)

// quietLogger drops go-redis's own log lines (pool and dial messages):
// the command reports errors itself, and those lines print addresses as
// given, which may hold credentials.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
