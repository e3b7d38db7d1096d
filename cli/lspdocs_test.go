package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/redistest"
)

// TestServerDocs: the hover's summary comes from a real server's own
// COMMAND DOCS (commands and subcommands, RESP2 and RESP3 replies); an
// unknown command has none; a server that does not answer costs one
// bounded wait, then nothing until the retry delay.
func TestServerDocs(t *testing.T) {
	srv := redistest.Real(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		client := redis.NewClient(&redis.Options{Addr: srv.Addr, Protocol: proto})
		defer client.Close()
		d := &serverDocs{client: client, wait: 500 * time.Millisecond, cache: map[string]docEntry{}}
		for cmd, want := range map[string]string{
			"incrby":         "Increment the integer value of a key by the given amount (complexity: O(1))",
			"client|setname": "Set the current connection name",
			"INCRBY":         "Increment the integer value",
			"nosuchcommand":  "",
		} {
			if got := d.Summary(ctx, cmd); !strings.HasPrefix(got, want) || want == "" && got != "" {
				t.Errorf("RESP%d: Summary(%s) = %q, want %q", proto, cmd, got, want)
			}
		}
	}
	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer down.Close()
	d := &serverDocs{client: down, wait: 200 * time.Millisecond, cache: map[string]docEntry{}}
	start := time.Now()
	if got := d.Summary(ctx, "incrby"); got != "" || time.Since(start) > time.Second {
		t.Errorf("server down: %q after %v", got, time.Since(start))
	}
	start = time.Now()
	if d.Summary(ctx, "incrby"); time.Since(start) > 10*time.Millisecond {
		t.Errorf("asked the absent server again at once (%v)", time.Since(start))
	}
}
