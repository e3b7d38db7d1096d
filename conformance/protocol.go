package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Request is one line a harness writes to a runner (PROTOCOL.md).
type Request struct {
	ID     int               `json:"id"`
	Op     string            `json:"op"` // load, map, run
	Files  map[string]string `json:"files"`
	Memory map[string]string `json:"memory,omitempty"` // in-memory scripts, added to the loader
	Name   string            `json:"name"`
	Line   int               `json:"line,omitempty"`   // map
	Args   json.RawMessage   `json:"args,omitempty"`   // run
	Redis  string            `json:"redis,omitempty"`  // run
	Mode   string            `json:"mode,omitempty"`   // run: "", "pipeline", "multi"
	Repeat int               `json:"repeat,omitempty"` // run: calls in the pipeline or transaction
}

// Response is one line a runner writes back, in request order.
type Response struct {
	ID     int             `json:"id"`
	OK     bool            `json:"ok"`
	Render *string         `json:"render,omitempty"`
	Keys   []string        `json:"keys,omitempty"`
	Args   []Arg           `json:"args,omitempty"`
	Return *string         `json:"return,omitempty"`
	Flags  []string        `json:"flags,omitempty"` // load: Redis 7's script flags
	Frames []Frame         `json:"frames,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *WireError      `json:"error,omitempty"`

	noID bool // the request's id could not be read: "id" is null
}

// MarshalJSON writes "id": null for a response to a request whose id
// could not be read.
func (r Response) MarshalJSON() ([]byte, error) {
	type plain Response
	if !r.noID {
		return json.Marshal(plain(r))
	}
	return json.Marshal(struct {
		ID *int `json:"id"`
		plain
	}{nil, plain(r)})
}

// WireError is a failure a runner reports.
type WireError struct {
	Kind    string  `json:"kind"`
	Message string  `json:"message"`
	File    string  `json:"file,omitempty"`
	Line    int     `json:"line,omitempty"`
	Frames  []Frame `json:"frames,omitempty"`
}

// Runner answers requests: the built-in one runs this project's engine,
// an External one another program.
type Runner interface {
	Do(ctx context.Context, req Request) Response
	Close() error
}

// Limits bound what one request may ask of a runner; a request over a
// bound gets a "protocol" error and the runner goes on with the next
// line. PROTOCOL.md gives the defaults.
type Limits struct {
	Line   int // bytes of one request line
	Files  int // bytes of a request's files, all together
	Repeat int // calls of one run request
}

// DefaultLimits are the bounds of Serve.
var DefaultLimits = Limits{Line: 64 << 20, Files: 32 << 20, Repeat: 10000}

// Serve reads requests from r, one JSON object per line, and writes the
// runner's responses to w, one per line, in order, until r ends. It is
// `redis-lua conformance serve`, within DefaultLimits.
func Serve(ctx context.Context, r io.Reader, w io.Writer, runner Runner) error {
	return DefaultLimits.Serve(ctx, r, w, runner)
}

// Serve is Serve within the limits l.
func (l Limits) Serve(ctx context.Context, r io.Reader, w io.Writer, runner Runner) error {
	br := bufio.NewReaderSize(r, 64<<10)
	enc := json.NewEncoder(w)
	for {
		line, tooLong, err := readLine(br, l.Line)
		if err != nil && len(line) == 0 && !tooLong {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if err := enc.Encode(l.answer(ctx, runner, line, tooLong)); err != nil {
			return err
		}
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// answer is the response to one request line.
func (l Limits) answer(ctx context.Context, runner Runner, line []byte, tooLong bool) Response {
	protocol := func(format string, args ...any) *WireError {
		return &WireError{Kind: "protocol", Message: fmt.Sprintf(format, args...)}
	}
	if tooLong {
		return Response{noID: true, Error: protocol("request line over the limit of %d bytes: skipped", l.Line)}
	}
	req, id, msg := readRequest(line)
	switch {
	case msg != "" && id == nil:
		return Response{noID: true, Error: protocol("bad request: %s", msg)}
	case msg != "":
		return Response{ID: *id, Error: protocol("bad request: %s", msg)}
	}
	total := 0
	for _, files := range []map[string]string{req.Files, req.Memory} {
		for name, text := range files {
			total += len(name) + len(text)
		}
	}
	switch {
	case total > l.Files:
		return Response{ID: req.ID, Error: protocol("files of %d bytes, over the limit of %d", total, l.Files)}
	case req.Repeat < 0 || req.Repeat > l.Repeat:
		return Response{ID: req.ID, Error: protocol("repeat %d: want 0 to %d", req.Repeat, l.Repeat)}
	}
	resp := runner.Do(ctx, req)
	resp.ID = req.ID
	return resp
}

// readRequest reads a request line. id is the request's id, nil when it
// cannot be read: the line is not JSON, not an object (null, a list, a
// number, a string), or its "id" is missing, null or not an integer.
// msg says what is wrong with the request, "" when nothing is.
func readRequest(line []byte) (req Request, id *int, msg string) {
	if t := bytes.TrimLeft(line, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		var raw json.RawMessage
		if err := json.Unmarshal(line, &raw); err != nil {
			return req, nil, err.Error()
		}
		return req, nil, "not a JSON object"
	}
	// The outer "id" hides Request's: it tells a missing or null id
	// from 0.
	var wire struct {
		ID json.RawMessage `json:"id"`
		Request
	}
	err := json.Unmarshal(line, &wire)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return req, nil, err.Error()
	}
	req = wire.Request
	switch {
	case len(wire.ID) == 0 || string(wire.ID) == "null":
		return req, nil, "no id"
	case json.Unmarshal(wire.ID, &req.ID) != nil:
		return req, nil, `"id" is not an integer`
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return req, &req.ID, fmt.Sprintf("%q is %s, want %s", strings.TrimPrefix(typeErr.Field, "Request."), jsonKind(typeErr.Value), goKind(typeErr.Type))
	case err != nil:
		return req, &req.ID, err.Error()
	}
	return req, &req.ID, ""
}

// jsonKind names a JSON value as json.UnmarshalTypeError's Value does
// ("string", "number", "number 1.5", "array", …), with an article.
func jsonKind(value string) string {
	switch value {
	case "array":
		return "a list"
	case "object":
		return "an object"
	case "bool":
		return "a boolean"
	}
	if n, ok := strings.CutPrefix(value, "number "); ok {
		return "the number " + n
	}
	return "a " + value
}

// goKind names what JSON value a field of Request holds.
func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Map:
		return "an object"
	}
	return t.String()
}

// readLine reads one line (without its newline) of at most max bytes.
// A longer line is read to its end and dropped: tooLong. err is io.EOF
// after the last line.
func readLine(br *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if n := len(line); n > 0 && line[n-1] == '\n' {
			line = line[:n-1]
		}
		if err == nil && len(line) == 0 && !tooLong {
			continue // a blank line is no request
		}
		return line, tooLong, err
	}
}

// External is a runner in another process, spoken to over its stdin and
// stdout. A request that breaks its Bounds stops the process; the next
// request starts it again.
type External struct {
	mu   sync.Mutex
	cmd  func() *exec.Cmd // a fresh command for each start
	proc *process         // nil when not running
	next int
}

// process is one start of an external runner.
type process struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

// Bounds are what the harness lets one request take of a runner: the
// time until its response and, for a runner in another process, how much
// its resident memory (with its children's) may grow meanwhile. Zero is
// no bound.
type Bounds struct {
	Time   time.Duration
	Memory int64 // bytes
}

// DefaultBounds bound every request of the suite: a case may set its own
// (bounds.json, SPEC.md §7).
var DefaultBounds = Bounds{Time: time.Minute}

// BoundedRunner is a runner the harness can hold to Bounds: one in
// another process, stopped when it breaks them. err says how a request
// broke a bound or why it got no response; the case fails with it.
type BoundedRunner interface {
	Runner
	DoWithin(ctx context.Context, req Request, b Bounds) (resp Response, err error)
}

// NewExternal starts a runner program (name and args).
func NewExternal(name string, args ...string) (*External, error) {
	return StartExternal(exec.Command(name, args...))
}

// StartExternal starts a runner from a prepared command (its environment,
// its directory, its standard error); its stdin and stdout are the
// protocol's. A runner stopped for breaking a bound is started again
// with a copy of cmd.
func StartExternal(cmd *exec.Cmd) (*External, error) {
	path, args, env, dir, stderr := cmd.Path, cmd.Args, cmd.Env, cmd.Dir, cmd.Stderr
	first := true
	x := &External{cmd: func() *exec.Cmd {
		if first {
			first = false
			return cmd
		}
		c := &exec.Cmd{Path: path, Args: args, Env: env, Dir: dir, Stderr: stderr}
		return c
	}}
	if err := x.start(); err != nil {
		return nil, err
	}
	return x, nil
}

func (x *External) start() error {
	cmd := x.cmd()
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	x.proc = &process{cmd: cmd, in: in, out: sc}
	return nil
}

// stop kills the running process, and the processes it started (where
// the operating system lists them: a runner behind a shell), and waits
// for it.
func (x *External) stop() {
	if x.proc == nil {
		return
	}
	tree := processTree(x.proc.cmd.Process.Pid)
	for i := len(tree) - 1; i > 0; i-- {
		if p, err := os.FindProcess(tree[i]); err == nil {
			p.Kill()
		}
	}
	x.proc.cmd.Process.Kill()
	x.proc.in.Close()
	x.proc.cmd.Wait()
	x.proc = nil
}

// Do sends one request and reads its response; a runner that gives none
// gets a "protocol" error.
func (x *External) Do(ctx context.Context, req Request) Response {
	resp, err := x.DoWithin(ctx, req, Bounds{})
	if err != nil {
		return Response{ID: resp.ID, Error: &WireError{Kind: "protocol", Message: err.Error()}}
	}
	return resp
}

// DoWithin sends one request and reads its response within b. A runner
// that takes longer than b.Time, grows by more than b.Memory (where the
// operating system tells: Linux), or whose ctx ends first, is stopped.
func (x *External) DoWithin(ctx context.Context, req Request, b Bounds) (Response, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.next++
	req.ID = x.next
	if x.proc == nil {
		if err := x.start(); err != nil {
			return Response{ID: req.ID}, fmt.Errorf("starting the runner again: %v", err)
		}
	}
	p := x.proc
	line, _ := json.Marshal(req)
	type reply struct {
		data []byte
		err  error
	}
	done := make(chan reply, 1)
	pid := p.cmd.Process.Pid
	var base int64
	measured, peaks := false, false
	if b.Memory > 0 {
		peaks = resetPeaks(pid)
		base, _, measured = treeMemory(pid)
	}
	go func() {
		if _, err := p.in.Write(append(line, '\n')); err != nil {
			done <- reply{err: err}
			return
		}
		if !p.out.Scan() {
			done <- reply{err: fmt.Errorf("runner closed its output: %v", p.out.Err())}
			return
		}
		done <- reply{data: bytes.Clone(p.out.Bytes())}
	}()
	var timeout, tick <-chan time.Time
	if b.Time > 0 {
		t := time.NewTimer(b.Time)
		defer t.Stop()
		timeout = t.C
	}
	if measured {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		tick = t.C
	}
	grown := func() int64 {
		rss, peak, ok := treeMemory(pid)
		switch {
		case !ok:
			return 0
		case peaks:
			return max(rss, peak) - base
		}
		return rss - base
	}
	over := func(n int64) error {
		return fmt.Errorf("the runner grew by %s during the request, over the bound of %s: stopped", mib(n), mib(b.Memory))
	}
	for {
		select {
		case r := <-done:
			if measured {
				if n := grown(); n > b.Memory {
					x.stop()
					return Response{ID: req.ID}, over(n)
				}
			}
			if r.err != nil {
				x.stop()
				return Response{ID: req.ID}, r.err
			}
			var resp Response
			if err := json.Unmarshal(r.data, &resp); err != nil {
				x.stop() // what follows cannot be trusted to answer in order
				return Response{ID: req.ID}, fmt.Errorf("bad response %q: %v", r.data, err)
			}
			if resp.ID != req.ID {
				x.stop()
				return Response{ID: req.ID}, fmt.Errorf("response id %d for request %d", resp.ID, req.ID)
			}
			return resp, nil
		case <-tick:
			if n := grown(); n > b.Memory {
				x.stop()
				<-done
				return Response{ID: req.ID}, over(n)
			}
		case <-timeout:
			x.stop()
			<-done
			return Response{ID: req.ID}, fmt.Errorf("no response within %v: stopped", b.Time)
		case <-ctx.Done():
			x.stop()
			<-done
			return Response{ID: req.ID}, ctx.Err()
		}
	}
}

// mib writes n bytes in MiB, to a tenth.
func mib(n int64) string {
	return strconv.FormatFloat(math.Round(float64(n)/(1<<20)*10)/10, 'f', -1, 64) + " MiB"
}

// Close ends the runner's input and waits for it.
func (x *External) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.proc == nil {
		return nil
	}
	x.proc.in.Close()
	err := x.proc.cmd.Wait()
	x.proc = nil
	return err
}
