package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"reflect"
	"strings"
	"sync"
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
// stdout.
type External struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	mu   sync.Mutex
	next int
}

// NewExternal starts a runner program (name and args).
func NewExternal(name string, args ...string) (*External, error) {
	return StartExternal(exec.Command(name, args...))
}

// StartExternal starts a runner from a prepared command (its environment,
// its directory); its stdin and stdout are the protocol's.
func StartExternal(cmd *exec.Cmd) (*External, error) {
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	return &External{cmd: cmd, in: in, out: sc}, nil
}

// Do sends one request and reads its response.
func (x *External) Do(ctx context.Context, req Request) Response {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.next++
	req.ID = x.next
	line, _ := json.Marshal(req)
	fail := func(err error) Response {
		return Response{ID: req.ID, Error: &WireError{Kind: "protocol", Message: err.Error()}}
	}
	if _, err := x.in.Write(append(line, '\n')); err != nil {
		return fail(err)
	}
	if !x.out.Scan() {
		return fail(fmt.Errorf("runner closed its output: %v", x.out.Err()))
	}
	var resp Response
	if err := json.Unmarshal(x.out.Bytes(), &resp); err != nil {
		return fail(fmt.Errorf("bad response %q: %v", x.out.Bytes(), err))
	}
	if resp.ID != req.ID {
		return fail(fmt.Errorf("response id %d for request %d", resp.ID, req.ID))
	}
	return resp
}

// Close ends the runner's input and waits for it.
func (x *External) Close() error {
	x.in.Close()
	return x.cmd.Wait()
}
