package cli

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
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
		return client, func() { client.Close(); m.Close() }, nil
	}
	client, err := newClient(raw, c.Bool("cluster"))
	if err != nil {
		return nil, nil, usagef("--redis %s: %v", redact(raw), redactErr(err, raw))
	}
	return client, func() { client.Close() }, nil
}

// newClient parses redis://, rediss:// and redis+cluster:// URLs.
func newClient(raw string, cluster bool) (redis.UniversalClient, error) {
	if rest, ok := strings.CutPrefix(raw, "redis+cluster://"); ok {
		return newCluster("redis", rest)
	}
	if rest, ok := strings.CutPrefix(raw, "rediss+cluster://"); ok {
		return newCluster("rediss", rest)
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

// newCluster reads "[user:password@]host:port,host:port[/...]".
func newCluster(scheme, rest string) (redis.UniversalClient, error) {
	u, err := url.Parse(scheme + "://" + strings.Split(rest, ",")[0])
	if err != nil {
		return nil, err
	}
	hosts := rest
	if at := strings.LastIndex(hosts, "@"); at >= 0 {
		hosts = hosts[at+1:]
	}
	if slash := strings.Index(hosts, "/"); slash >= 0 {
		hosts = hosts[:slash]
	}
	first, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, err
	}
	return redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:     strings.Split(hosts, ","),
		Username:  first.Username,
		Password:  first.Password,
		TLSConfig: first.TLSConfig,
	}), nil
}

// redact hides the password of a URL.
func redact(raw string) string {
	u, err := url.Parse(strings.Replace(raw, ",", "%2C", -1))
	if err != nil || u.User == nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "[redacted]@" + raw[i+1:]
		}
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return strings.Replace(u.String(), "%2C", ",", -1)
}

// redactErr removes the URL's password from an error message.
func redactErr(err error, raw string) string {
	msg := err.Error()
	if p := passwordOf(raw); p != "" {
		msg = strings.ReplaceAll(msg, p, "xxxxx")
		if unescaped, uerr := url.PathUnescape(p); uerr == nil && unescaped != "" {
			msg = strings.ReplaceAll(msg, unescaped, "xxxxx")
		}
	}
	return msg
}

// passwordOf finds the password of a URL as written, also in a URL that
// does not parse: the text between the user's ":" and the last "@".
func passwordOf(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = raw
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pass, _ := strings.Cut(rest[:at], ":")
	return pass
}
