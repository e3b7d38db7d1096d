package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Backend is a Redis the run.json calls go to.
type Backend struct {
	Name   string                // "embedded", "redis" or "cluster"
	URL    string                // given to the runner
	Client redis.UniversalClient // for setup and checks
	// Functions runs the run entries without a mode through Redis 7
	// functions: the protocol's mode "functions". Cases still select the
	// backend by Name; reports call it Name+"+functions".
	Functions bool
}

// Label is the backend's name in reports: Name, with "+functions" when
// its calls go through Redis 7 functions.
func (b *Backend) Label() string {
	if b.Functions {
		return b.Name + "+functions"
	}
	return b.Name
}

// Outcome is the result of one case on one backend.
type Outcome struct {
	Case, Backend string
	Status        string // "pass", "fail" or "skip"
	Message       string // why it failed or was skipped
}

// Report is the outcomes of a run of the suite.
type Report struct {
	Outcomes                []Outcome
	Passed, Failed, Skipped int
	// Suite names the report's test suites and classes in JUnit XML
	// ("redislua SUITE (backend)", "SUITE.backend"); empty is
	// "conformance".
	Suite string
}

// Summary is the last line of a run: "N passed, N failed, N skipped".
func (r *Report) Summary() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", r.Passed, r.Failed, r.Skipped)
}

// Run runs every case through runner on every backend, printing one line
// per case and backend (and the reason of a failure) to w, then the
// summary.
func Run(ctx context.Context, cases []*Case, runner Runner, backends []*Backend, w io.Writer) *Report {
	r := &Report{}
	for _, b := range backends {
		for _, c := range cases {
			o := RunCase(ctx, c, runner, b)
			r.Outcomes = append(r.Outcomes, o)
			switch o.Status {
			case "pass":
				r.Passed++
			case "fail":
				r.Failed++
			default:
				r.Skipped++
			}
			if w != nil {
				fmt.Fprintf(w, "%-4s %-10s %s", strings.ToUpper(o.Status), b.Label(), c.Name)
				if o.Message != "" {
					fmt.Fprintf(w, ": %s", strings.ReplaceAll(o.Message, "\n", "\n    "))
				}
				fmt.Fprintln(w)
			}
		}
	}
	if w != nil {
		fmt.Fprintln(w, r.Summary())
	}
	return r
}

// RunCase runs one case on one backend.
func RunCase(ctx context.Context, c *Case, runner Runner, b *Backend) (o Outcome) {
	o = Outcome{Case: c.Name, Backend: b.Label(), Status: "pass"}
	if len(c.Backends) > 0 && !slices.Contains(c.Backends, b.Name) {
		o.Status, o.Message = "skip", "for "+strings.Join(c.Backends, ", ")
		return o
	}
	fail := func(format string, args ...any) Outcome {
		o.Status, o.Message = "fail", fmt.Sprintf(format, args...)
		return o
	}
	resp, broke := request(ctx, runner, c, Request{Op: "load", Files: c.Files, Memory: c.Memory, Name: c.Load})
	if broke != "" {
		return fail("%s", broke)
	}
	if c.Error != nil {
		if resp.OK || resp.Error == nil {
			return fail("load succeeded, want a %s error", c.Error.Kind)
		}
		e := resp.Error
		switch {
		case e.Kind != c.Error.Kind:
			return fail("error kind %q, want %q: %s", e.Kind, c.Error.Kind, e.Message)
		case c.Error.File != "" && "lua/"+e.File != c.Error.File:
			return fail("error in file %q, want %q: %s", "lua/"+e.File, c.Error.File, e.Message)
		case c.Error.Line != 0 && e.Line != c.Error.Line:
			return fail("error on line %d, want %d: %s", e.Line, c.Error.Line, e.Message)
		}
		if frag, ok := NamesAll(e.Message, c.Error.Names); !ok {
			return fail("error %q does not name %s", e.Message, frag)
		}
		return o
	}
	if !resp.OK {
		return fail("load failed: %s", describe(resp.Error))
	}
	if c.Render != nil {
		got := strings.TrimSuffix(deref(resp.Render), "\n")
		if got != *c.Render {
			return fail("render differs:\n%s", lineDiff(*c.Render, got))
		}
	}
	if c.Signature != nil {
		got := Signature{Keys: resp.Keys, Args: resp.Args, Return: resp.Return}
		if c.Signature.Flags != nil {
			got.Flags = resp.Flags
		}
		// A runner may leave out empty lists.
		if got.Keys == nil {
			got.Keys = []string{}
		}
		if got.Args == nil {
			got.Args = []Arg{}
		}
		if !sameJSON(got, *c.Signature) {
			return fail("signature %s, want %s", toJSON(got), toJSON(*c.Signature))
		}
	}
	for _, l := range c.Lines {
		m, broke := request(ctx, runner, c, Request{Op: "map", Files: c.Files, Memory: c.Memory, Name: c.Load, Line: l.Line})
		if broke != "" {
			return fail("map line %d: %s", l.Line, broke)
		}
		if !m.OK {
			return fail("map line %d: %s", l.Line, describe(m.Error))
		}
		if !sameJSON(m.Frames, l.Frames) {
			return fail("line %d maps to %s, want %s", l.Line, toJSON(m.Frames), toJSON(l.Frames))
		}
	}
	ran := 0
	for i, run := range c.Runs {
		if len(run.Backends) > 0 && !slices.Contains(run.Backends, b.Name) {
			continue
		}
		if len(run.Sent) > 0 && b.Functions {
			continue // what it counts is a call through EVALSHA
		}
		ran++
		if msg := runOne(ctx, c, run, runner, b); msg != "" {
			return fail("run %d: %s", i+1, msg)
		}
	}
	if len(c.Runs) > 0 && ran == 0 && c.Render == nil && c.Signature == nil && len(c.Lines) == 0 {
		o.Status, o.Message = "skip", "no run for this backend"
	}
	return o
}

func runOne(ctx context.Context, c *Case, run RunSpec, runner Runner, b *Backend) string {
	if err := flush(ctx, b.Client); err != nil {
		return "flush: " + err.Error()
	}
	for _, cmd := range run.Setup {
		if err := b.Client.Do(ctx, cmd...).Err(); err != nil && err != redis.Nil {
			return fmt.Sprintf("setup %v: %v", cmd, err)
		}
	}
	mode := run.Mode
	if mode == "" && b.Functions {
		mode = "functions"
	}
	var before map[string]int64
	if len(run.Sent) > 0 {
		var err error
		if before, err = commandStats(ctx, b.Client); err != nil {
			return "sent: " + err.Error()
		}
	}
	resp, broke := request(ctx, runner, c, Request{Op: "run", Files: c.Files, Memory: c.Memory, Name: c.Load, Args: run.Args, Redis: b.URL, Mode: mode, Repeat: run.Repeat})
	if broke != "" {
		return broke
	}
	if len(run.Sent) > 0 {
		after, err := commandStats(ctx, b.Client)
		if err != nil {
			return "sent: " + err.Error()
		}
		if msg := checkSent(run.Sent, before, after); msg != "" {
			return msg
		}
	}
	if run.Error != nil {
		if resp.OK || resp.Error == nil {
			return fmt.Sprintf("result %s, want an error", resp.Result)
		}
		e := resp.Error
		switch {
		case run.Error.Kind != "" && e.Kind != run.Error.Kind:
			return fmt.Sprintf("error kind %q, want %q: %s", e.Kind, run.Error.Kind, e.Message)
		case run.Error.Frames != nil && !sameJSON(e.Frames, run.Error.Frames):
			return fmt.Sprintf("frames %s, want %s (%s)", toJSON(e.Frames), toJSON(run.Error.Frames), e.Message)
		}
		if frag, ok := NamesAll(e.Message, run.Error.Names); !ok {
			return fmt.Sprintf("error %q does not name %s", e.Message, frag)
		}
	} else {
		if !resp.OK {
			return "call failed: " + describe(resp.Error)
		}
		if run.Want != nil && !sameRaw(resp.Result, run.Want) {
			return fmt.Sprintf("result %s, want %s", resp.Result, run.Want)
		}
	}
	for _, chk := range run.Check {
		v, err := b.Client.Do(ctx, chk.Cmd...).Result()
		if err == redis.Nil {
			v, err = nil, nil
		}
		if err != nil {
			return fmt.Sprintf("check %v: %v", chk.Cmd, err)
		}
		got, _ := json.Marshal(v)
		if chk.Matches != "" {
			re, err := regexp.Compile(chk.Matches)
			if err != nil {
				return fmt.Sprintf("check %v: matches: %v", chk.Cmd, err)
			}
			if text, ok := v.(string); !ok || !re.MatchString(text) {
				return fmt.Sprintf("check %v = %s, want a text matching %s", chk.Cmd, got, chk.Matches)
			}
			continue
		}
		if !sameRaw(got, chk.Want) {
			return fmt.Sprintf("check %v = %s, want %s", chk.Cmd, got, chk.Want)
		}
	}
	return ""
}

// request sends one request of case c within its bounds. broke says how
// the runner broke them, or why it gave no response: the case fails.
// A runner in another process (a BoundedRunner) is held to both bounds;
// one in this process to the time only, its call then left to finish
// alone.
func request(ctx context.Context, runner Runner, c *Case, req Request) (resp Response, broke string) {
	b := DefaultBounds
	if c.Bounds != nil {
		b = *c.Bounds
	}
	if br, ok := runner.(BoundedRunner); ok {
		resp, err := br.DoWithin(ctx, req, b)
		if err != nil {
			return resp, req.Op + " request: " + err.Error()
		}
		return resp, ""
	}
	if b.Time <= 0 {
		return runner.Do(ctx, req), ""
	}
	ctx, cancel := context.WithTimeout(ctx, b.Time)
	defer cancel()
	done := make(chan Response, 1)
	go func() { done <- runner.Do(ctx, req) }()
	select {
	case resp := <-done:
		return resp, ""
	case <-ctx.Done():
		return Response{}, fmt.Sprintf("%s request: no response within %v", req.Op, b.Time)
	}
}

// commandStats reads how many times the server ran each command (INFO
// commandstats; the sum of every master's on a cluster), by lower-case
// name, a subcommand as "script|load".
func commandStats(ctx context.Context, c redis.UniversalClient) (map[string]int64, error) {
	stats := map[string]int64{}
	var mu sync.Mutex
	read := func(ctx context.Context, c redis.Cmdable) error {
		text, err := c.Info(ctx, "commandstats").Result()
		if err != nil {
			return fmt.Errorf("INFO commandstats: %v", err)
		}
		found := false
		for _, line := range strings.Split(text, "\n") {
			name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
			name, isCmd := strings.CutPrefix(name, "cmdstat_")
			if !ok || !isCmd {
				continue
			}
			calls, _, _ := strings.Cut(strings.TrimPrefix(rest, "calls="), ",")
			n, err := strconv.ParseInt(calls, 10, 64)
			if err != nil {
				return fmt.Errorf("INFO commandstats: %q", line)
			}
			found = true
			mu.Lock()
			stats[strings.ToLower(name)] += n
			mu.Unlock()
		}
		if !found {
			return fmt.Errorf("INFO commandstats: the backend counts no command")
		}
		return nil
	}
	if cc, ok := c.(*redis.ClusterClient); ok {
		return stats, cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return read(ctx, m) })
	}
	return stats, read(ctx, c)
}

// checkSent says how the commands the server ran between before and
// after break the bounds of sent, "" when they do not.
func checkSent(sent []Sent, before, after map[string]int64) string {
	for _, s := range sent {
		var n int64
		for _, cmd := range s.Commands {
			n += after[cmd] - before[cmd]
		}
		what := strings.Join(s.Commands, " + ")
		switch {
		case n < s.Min:
			return fmt.Sprintf("sent %s %d times, want at least %d%s", what, n, s.Min, sentDelta(before, after))
		case s.Max != nil && n > *s.Max:
			return fmt.Sprintf("sent %s %d times, want at most %d%s", what, n, *s.Max, sentDelta(before, after))
		}
	}
	return ""
}

// sentDelta lists the commands the server ran
// between before and after, for a failure's message.
func sentDelta(before, after map[string]int64) string {
	var parts []string
	for _, cmd := range slices.Sorted(maps.Keys(after)) {
		if d := after[cmd] - before[cmd]; d > 0 && cmd != "info" {
			parts = append(parts, fmt.Sprintf("%s %d", cmd, d))
		}
	}
	if len(parts) == 0 {
		return " (the server ran no command)"
	}
	return " (the server ran: " + strings.Join(parts, ", ") + ")"
}

// flush empties the backend's database (FLUSHDB: the other databases of
// the server are not the harness's; on a cluster, the database of every
// master).
func flush(ctx context.Context, c redis.UniversalClient) error {
	if cc, ok := c.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.FlushDB(ctx).Err() })
	}
	return c.FlushDB(ctx).Err()
}

// Keys counts the keys of the backend's database (every master's on a
// cluster): the harness empties that database before every case, so a
// caller runs it only on an empty one, or with the user's consent.
func Keys(ctx context.Context, c redis.UniversalClient) (int64, error) {
	if cc, ok := c.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		var n int64
		err := cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			k, err := m.DBSize(ctx).Result()
			mu.Lock()
			n += k
			mu.Unlock()
			return err
		})
		return n, err
	}
	return c.DBSize(ctx).Result()
}

func describe(e *WireError) string {
	if e == nil {
		return "no error given"
	}
	return e.Kind + ": " + e.Message
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameJSON compares two values by their JSON forms.
func sameJSON(a, b any) bool {
	return sameRaw([]byte(toJSON(a)), []byte(toJSON(b)))
}

func sameRaw(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
}

// lineDiff shows where two renderings part: the lines around the first
// difference, "-" wanted, "+" got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d\n", i+1)
	for j := max(0, i-2); j < i; j++ {
		fmt.Fprintf(&b, "  %q\n", w[j])
	}
	for j := i; j < min(len(w), i+3); j++ {
		fmt.Fprintf(&b, "- %q\n", w[j])
	}
	for j := i; j < min(len(g), i+3); j++ {
		fmt.Fprintf(&b, "+ %q\n", g[j])
	}
	return strings.TrimSuffix(b.String(), "\n")
}
