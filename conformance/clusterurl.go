package conformance

import (
	"crypto/tls"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ParseClusterURL reads the URL of a Redis Cluster (PROTOCOL.md, "Redis"):
//
//	redis+cluster://[user[:password]@]host:port,host:port,…[/…]
//	rediss+cluster://…  (TLS)
//
// The user information ends at the last "@", so that a password may
// hold "," "/" "@" as written; "%XX" in it is decoded as in any URL. The
// credentials apply to every node. Errors never quote the URL: it may
// hold a password.
func ParseClusterURL(raw string) (*redis.ClusterOptions, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "redis+cluster" && scheme != "rediss+cluster") {
		return nil, errors.New("a cluster URL starts with redis+cluster:// or rediss+cluster://")
	}
	opt := &redis.ClusterOptions{}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, pass, _ := strings.Cut(rest[:at], ":")
		var err1, err2 error
		opt.Username, err1 = url.PathUnescape(user)
		opt.Password, err2 = url.PathUnescape(pass)
		if err1 != nil || err2 != nil {
			return nil, errors.New("the user information of the cluster URL has an invalid %-escape")
		}
		rest = rest[at+1:]
	}
	if end := strings.IndexAny(rest, "/?"); end >= 0 {
		rest = rest[:end]
	}
	for _, addr := range strings.Split(rest, ",") {
		if _, _, err := net.SplitHostPort(addr); err != nil || addr == "" {
			return nil, errors.New("the cluster URL lists an address that is not host:port")
		}
		opt.Addrs = append(opt.Addrs, addr)
	}
	if scheme == "rediss+cluster" {
		host, _, _ := net.SplitHostPort(opt.Addrs[0])
		opt.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	return opt, nil
}
