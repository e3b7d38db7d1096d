package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// serverDocs is a live server's own words on its commands, for the
// language server's hover with --redis: COMMAND DOCS, asked the first
// time a command is hovered and kept for the session, never stored.
type serverDocs struct {
	client redis.UniversalClient
	wait   time.Duration // for one answer
	mu     sync.Mutex
	cache  map[string]docEntry
}

type docEntry struct {
	text string
	at   time.Time // when asked; a failure is asked again after a while
	ok   bool
}

// retryAfter is how long a failed question (server down, slow) is not
// asked again, so that hovers stay quick while the server is away.
const retryAfter = 30 * time.Second

// Summary returns the server's summary of a command ("incrby",
// "client|setname") with its complexity, "" when the server does not
// answer within the wait or does not know it.
func (d *serverDocs) Summary(ctx context.Context, command string) string {
	command = strings.ToLower(command)
	d.mu.Lock()
	e, ok := d.cache[command]
	d.mu.Unlock()
	if ok && (e.ok || time.Since(e.at) < retryAfter) {
		return e.text
	}
	ctx, cancel := context.WithTimeout(ctx, d.wait)
	defer cancel()
	v, err := d.client.Do(ctx, "command", "docs", command).Result()
	e = docEntry{at: time.Now(), ok: err == nil}
	if err == nil {
		doc := field(v, command)
		summary, _ := field(doc, "summary").(string)
		complexity, _ := field(doc, "complexity").(string)
		e.text = summary
		if summary != "" && complexity != "" {
			e.text += fmt.Sprintf(" (complexity: %s)", complexity)
		}
	}
	d.mu.Lock()
	d.cache[command] = e
	d.mu.Unlock()
	return e.text
}

// field is the value of key in a reply that is a map (RESP3) or a flat
// list of keys and values (RESP2); nil when absent.
func field(v any, key string) any {
	switch m := v.(type) {
	case map[any]any:
		for k, val := range m {
			if s, ok := k.(string); ok && strings.EqualFold(s, key) {
				return val
			}
		}
	case map[string]any:
		for k, val := range m {
			if strings.EqualFold(k, key) {
				return val
			}
		}
	case []any:
		for i := 0; i+1 < len(m); i += 2 {
			if s, ok := m[i].(string); ok && strings.EqualFold(s, key) {
				return m[i+1]
			}
		}
	}
	return nil
}
