package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// serverVersion is "redis 7.0", "valkey 8.1"…: the server's kind and
// major.minor version, from INFO (valkey_version where there is one).
func serverVersion(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	info, err := rdb.Info(context.Background(), "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	kind, v := "redis", ""
	for _, l := range strings.Split(info, "\n") {
		l = strings.TrimSpace(l)
		if x, ok := strings.CutPrefix(l, "redis_version:"); ok && v == "" {
			v = x
		}
		if x, ok := strings.CutPrefix(l, "valkey_version:"); ok {
			kind, v = "valkey", x
		}
	}
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return kind + " " + v
	}
	return kind + " " + parts[0] + "." + parts[1]
}

// ServerVersion is serverVersion for the external tests (cli_test).
var ServerVersion = serverVersion
