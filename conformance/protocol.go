package conformance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"sync"
)

// Request is one line a harness writes to a runner (PROTOCOL.md).
type Request struct {
	ID     int               `json:"id"`
	Op     string            `json:"op"` // load, map, run
	Files  map[string]string `json:"files"`
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
	Frames []Frame         `json:"frames,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *WireError      `json:"error,omitempty"`
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

// Serve reads requests from r, one JSON object per line, and writes the
// runner's responses to w, one per line, in order, until r ends. It is
// `redis-lua conformance serve`.
func Serve(ctx context.Context, r io.Reader, w io.Writer, runner Runner) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	enc := json.NewEncoder(w)
	for sc.Scan() {
		var req Request
		resp := Response{}
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			resp.Error = &WireError{Kind: "protocol", Message: "bad request: " + err.Error()}
		} else {
			resp = runner.Do(ctx, req)
			resp.ID = req.ID
		}
		if err := enc.Encode(resp); err != nil {
			return err
		}
	}
	return sc.Err()
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
