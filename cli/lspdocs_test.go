package cli

import (
	"context"
	"fmt"
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
		// What the server itself says, raw (its prose is not copied
		// into the project, not even into a test).
		raw := func(args ...any) string {
			v, err := client.Do(ctx, append([]any{"COMMAND", "DOCS"}, args...)...).Result()
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(v)
		}
		for _, tc := range []struct {
			cmd  string
			docs []any // the COMMAND DOCS request that answers it
		}{
			{"incrby", []any{"incrby"}},
			{"INCRBY", []any{"incrby"}},
			{"client|setname", []any{"client|setname"}},
		} {
			got := d.Summary(ctx, tc.cmd)
			summary, complexity, _ := strings.Cut(got, " (complexity: ")
			docs := raw(tc.docs...)
			if summary == "" || !strings.Contains(docs, summary) || !strings.HasSuffix(complexity, ")") || !strings.Contains(docs, strings.TrimSuffix(complexity, ")")) {
				t.Errorf("RESP%d: Summary(%s) = %q, not the server's summary and complexity in %s", proto, tc.cmd, got, docs)
			}
		}
		if got := d.Summary(ctx, "nosuchcommand"); got != "" {
			t.Errorf("RESP%d: Summary(nosuchcommand) = %q", proto, got)
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
