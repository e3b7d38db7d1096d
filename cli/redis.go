package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/conformance"
	ucli "github.com/urfave/cli/v2"
)

// connect returns the client of --redis or $REDIS_URL, or of an embedded
// in-memory Redis (with a note on stderr), and a function that closes it.
func (e *env) connect(c *ucli.Context) (redis.UniversalClient, func(), error) {
	raw := c.String("redis")
	if raw == "" {
		raw = e.getenv("REDIS_URL")
	}
	if raw == "" {
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, nil, failf("embedded Redis: %v", err)
		}
		fmt.Fprintln(e.stderr, "redis-lua: no --redis or REDIS_URL: using an embedded in-memory Redis (its data is gone at exit)")
		client := redis.NewClient(&redis.Options{Addr: m.Addr()})
		return client, func() {
			client.Close()
			if c.Context.Err() == nil {
				// miniredis's Close waits for a running script, which
				// nothing can stop: after an interrupt the process
				// exits without it.
				m.Close()
			}
		}, nil
	}
	client, err := newClient(raw, c.Bool("cluster"))
	if err != nil {
		return nil, nil, usagef("--redis %s: %v", redact(raw), redactErr(err, raw))
	}
	return client, func() { client.Close() }, nil
}

// newClient parses redis://, rediss:// and redis+cluster:// URLs (the
// last as conformance.ParseClusterURL reads them).
func newClient(raw string, cluster bool) (redis.UniversalClient, error) {
	if strings.HasPrefix(raw, "redis+cluster://") || strings.HasPrefix(raw, "rediss+cluster://") {
		opt, err := conformance.ParseClusterURL(raw)
		if err != nil {
			return nil, err
		}
		return redis.NewClusterClient(opt), nil
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	if cluster {
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: []string{opt.Addr}, Username: opt.Username, Password: opt.Password, TLSConfig: opt.TLSConfig,
		}), nil
	}
	return redis.NewClient(opt), nil
}

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

// redactErr is the message of an error parsing raw. Parse errors quote
// pieces of the URL (Go's url errors quote and escape it, cut at a comma
// or a slash), so for a URL that could hold a secret the message says
// what is wrong without them.
func redactErr(err error, raw string) string {
	if !strings.ContainsAny(raw, "@?") {
		return err.Error()
	}
	return "not a Redis URL: want redis://[user:password@]host:port[/db], rediss://... for TLS, or redis+cluster://[user:password@]host:port,host:port (a password holding @ / , ? # % must be percent-encoded)"
}

// quietLogger drops go-redis's own log lines (pool and dial messages):
// the command reports errors itself, and those lines print addresses as
// given, which may hold credentials.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// killScript is what an interrupted call does on a real server: the
// script may still be running there (Redis runs it to its end and
// answers BUSY to everyone meanwhile), so it sends SCRIPT KILL (FUNCTION
// KILL for a function) and says what happened.
func killScript(client redis.UniversalClient, function bool) string {
	ctx, cancel := context.WithTimeout(context.Background(), 11*time.Second)
	defer cancel()
	kill := "SCRIPT KILL"
	if function {
		kill = "FUNCTION KILL"
	}
	var err error
	if cc, ok := client.(*redis.ClusterClient); ok {
		// The script runs on one master, which go-redis cannot name for
		// a keyless call: ask every master, and keep the answer of the
		// one that was busy.
		var mu sync.Mutex
		var errs []error
		cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			e := killOn(ctx, m, function)
			mu.Lock()
			errs = append(errs, e)
			mu.Unlock()
			return nil
		})
		err = busiest(errs)
	} else if c, ok := client.(*redis.Client); ok {
		err = killOn(ctx, c, function)
	} else {
		err = killWith(ctx, client, function)
	}
	switch {
	case err == nil:
		return "sent " + kill + ": the script was stopped"
	case strings.Contains(err.Error(), "NOTBUSY"):
		return "no script is running on the server any more"
	case strings.Contains(err.Error(), "UNKILLABLE"):
		return "the script has written, so Redis refuses to kill it (" + kill + ": UNKILLABLE): it runs to its end, and the server answers BUSY until then; only SHUTDOWN NOSAVE stops it, losing every write since the last save"
	}
	return kill + ": " + err.Error()
}

// killOn sends the kill to the server of c on a connection of its own
// that waits 10 s for the answer, once: a busy server reads nothing
// until the script has run its busy-reply-threshold (5 s by default),
// and a pooled connection would time out after 3 s and be retried.
func killOn(ctx context.Context, c *redis.Client, function bool) error {
	opt := *c.Options()
	opt.ReadTimeout, opt.MaxRetries, opt.PoolSize = 10*time.Second, -1, 1
	k := redis.NewClient(&opt)
	defer k.Close()
	return killWith(ctx, k, function)
}

func killWith(ctx context.Context, c redis.Cmdable, function bool) error {
	if function {
		return c.FunctionKill(ctx).Err()
	}
	return c.ScriptKill(ctx).Err()
}

// busiest picks, of the answers of several masters, the one that says
// the most: a kill that worked, then UNKILLABLE, then any other error,
// then NOTBUSY (no master was running a script).
func busiest(errs []error) error {
	rank := func(err error) int {
		switch {
		case err == nil:
			return 0
		case strings.Contains(err.Error(), "UNKILLABLE"):
			return 1
		case strings.Contains(err.Error(), "NOTBUSY"):
			return 3
		}
		return 2
	}
	best := errors.New("NOTBUSY no master answered")
	for _, err := range errs {
		if rank(err) < rank(best) {
			best = err
		}
	}
	return best
}
