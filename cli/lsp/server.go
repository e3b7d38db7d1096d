package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/config"
	"github.com/redislua/redislua/vet/lint"
)

// Options are what the command line says; each overrides the project
// configuration (redislua.json) and the workspace.
type Options struct {
	// Dir is the scripts' root (the command's --dir); "" for the
	// configuration's dir, else the workspace folder.
	Dir string
	// Config is the configuration file; "" to look for redislua.json
	// from the root upward, as check does.
	Config string
	// Target and Also replace the configuration's (empty: keep them).
	Target string
	Also   []string
	// Table, when not nil, is a live server's own table (--redis): it
	// replaces the target's.
	Table *commands.Table
	// Summary, when not nil, gives a live server's own summary of a
	// command ("incrby", "client|setname"), "" for none; hover shows it
	// below the table's facts. It must answer quickly (a bounded query).
	Summary func(ctx context.Context, command string) string
}

// ErrNoShutdown is Run's error for an exit without shutdown (the
// protocol's exit status 1).
var ErrNoShutdown = errors.New("lsp: exit before shutdown")

// Server is one language server session.
type Server struct {
	opts Options
	out  *writer

	mu          sync.Mutex
	initialized bool
	shutdown    bool
	docs        map[string]*document // by absolute path
	root        string               // the scripts' root, absolute
	rootFS      fs.FS
	closeRoot   func()
	lintOpts    lint.Options
	keep        func(code string) bool
	gen         int // bumped by every change of the documents
	snap        *snapshot

	dirty     chan struct{}   // a change to diagnose (capacity 1)
	published map[string]bool // URIs with diagnostics shown
	wg        sync.WaitGroup
}

// New returns a server writing to out.
func New(out io.Writer, opts Options) *Server {
	return &Server{
		opts:      opts,
		out:       &writer{w: out},
		docs:      map[string]*document{},
		keep:      func(string) bool { return true },
		dirty:     make(chan struct{}, 1),
		published: map[string]bool{},
	}
}

// Run serves the messages of in until exit or the end of in. It returns
// nil after shutdown and exit or at the end of the input, ErrNoShutdown
// for an exit without shutdown, and the error of a stream it cannot read.
func (s *Server) Run(ctx context.Context, in io.Reader) error {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		s.wg.Wait()
		s.mu.Lock()
		if s.closeRoot != nil {
			s.closeRoot()
		}
		s.mu.Unlock()
	}()
	s.wg.Add(1)
	go s.diagnoseLoop(ctx)
	// Messages are read on their own goroutine, so that a cancelled
	// context (Ctrl-C) ends the server while a read blocks.
	type read struct {
		m   *message
		err error
	}
	msgs := make(chan read)
	go func() {
		r := bufio.NewReaderSize(in, 64<<10)
		for {
			m, err := readMessage(r)
			select {
			case msgs <- read{m, err}:
			case <-ctx.Done():
				return
			}
			var rerr *rpcError
			if err != nil && !errors.As(err, &rerr) {
				return
			}
		}
	}()
	for {
		var next read
		select {
		case <-ctx.Done():
			return ctx.Err()
		case next = <-msgs:
		}
		m, err := next.m, next.err
		if err == io.EOF {
			return nil
		}
		var rerr *rpcError
		if errors.As(err, &rerr) {
			s.reply(nil, nil, rerr)
			continue
		}
		if err != nil {
			return err
		}
		if m.Method == "exit" {
			s.mu.Lock()
			done := s.shutdown
			s.mu.Unlock()
			if done {
				return nil
			}
			return ErrNoShutdown
		}
		s.handle(ctx, m)
	}
}

// handle answers one message; a panic in a handler is an internal
// error answer, never the end of the server.
func (s *Server) handle(ctx context.Context, m *message) {
	isRequest := m.ID != nil
	if m.Method == "" {
		return // a response to nothing we asked, or junk
	}
	defer func() {
		if p := recover(); p != nil {
			if isRequest {
				s.reply(m.ID, nil, &rpcError{codeInternalError, fmt.Sprintf("%s: internal error: %v", m.Method, p)})
			}
			s.logf("%s: internal error: %v\n%s", m.Method, p, debug.Stack())
		}
	}()
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	if !initialized && m.Method != "initialize" {
		if isRequest {
			s.reply(m.ID, nil, &rpcError{codeNotInitialized, "not initialized"})
		}
		return
	}
	if shutdown && isRequest {
		s.reply(m.ID, nil, &rpcError{codeInvalidRequest, "shut down"})
		return
	}
	h, ok := handlers[m.Method]
	if !ok {
		if isRequest {
			s.reply(m.ID, nil, &rpcError{codeMethodNotFound, "method not found: " + m.Method})
		}
		return
	}
	result, err := h(s, ctx, m.Params)
	if isRequest {
		s.reply(m.ID, result, err)
	} else if err != nil {
		s.logf("%s: %v", m.Method, err)
	}
}

type handler func(s *Server, ctx context.Context, params json.RawMessage) (any, error)

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"initialize":                  (*Server).initialize,
		"initialized":                 func(*Server, context.Context, json.RawMessage) (any, error) { return nil, nil },
		"shutdown":                    (*Server).shutdownRequest,
		"textDocument/didOpen":        (*Server).didOpen,
		"textDocument/didChange":      (*Server).didChange,
		"textDocument/didClose":       (*Server).didClose,
		"textDocument/didSave":        func(*Server, context.Context, json.RawMessage) (any, error) { return nil, nil },
		"textDocument/definition":     (*Server).definition,
		"textDocument/hover":          (*Server).hover,
		"textDocument/completion":     (*Server).completion,
		"textDocument/documentSymbol": (*Server).documentSymbol,
		"textDocument/signatureHelp":  (*Server).signatureHelp,
		"textDocument/codeAction":     (*Server).codeAction,
		"$/cancelRequest":             func(*Server, context.Context, json.RawMessage) (any, error) { return nil, nil },
		"$/setTrace":                  func(*Server, context.Context, json.RawMessage) (any, error) { return nil, nil },
		"workspace/didChangeConfiguration": func(*Server, context.Context, json.RawMessage) (any, error) {
			return nil, nil
		},
	}
}

func (s *Server) reply(id *json.RawMessage, result any, err error) {
	rid := json.RawMessage("null")
	if id != nil {
		rid = *id
	}
	if err != nil {
		var re *rpcError
		if !errors.As(err, &re) {
			re = &rpcError{codeInternalError, err.Error()}
		}
		s.out.write(errorResponse{JSONRPC: "2.0", ID: rid, Error: re})
		return
	}
	s.out.write(response{JSONRPC: "2.0", ID: rid, Result: result})
}

func (s *Server) notify(method string, params any) {
	s.out.write(notification{JSONRPC: "2.0", Method: method, Params: params})
}

// logf sends a window/logMessage (the editor's LSP log).
func (s *Server) logf(format string, args ...any) {
	s.notify("window/logMessage", map[string]any{"type": 3, "message": fmt.Sprintf(format, args...)})
}

func (s *Server) showError(msg string) {
	s.notify("window/showMessage", map[string]any{"type": 1, "message": "redis-lua: " + msg})
}

func unmarshal(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return &rpcError{codeInvalidParams, "no params"}
	}
	if err := json.Unmarshal(params, v); err != nil {
		return &rpcError{codeInvalidParams, err.Error()}
	}
	return nil
}

func (s *Server) initialize(_ context.Context, params json.RawMessage) (any, error) {
	var p initializeParams
	if err := unmarshal(params, &p); err != nil {
		return nil, err
	}
	folder := ""
	if len(p.WorkspaceFolders) > 0 {
		folder = uriPath(p.WorkspaceFolders[0].URI)
	}
	if folder == "" && p.RootURI != "" {
		folder = uriPath(p.RootURI)
	}
	if folder == "" {
		folder = p.RootPath
	}
	if folder == "" {
		folder, _ = os.Getwd()
	}
	root, keep, opts, msg := s.setup(folder)
	s.mu.Lock()
	s.initialized = true
	s.root, s.keep, s.lintOpts = root, keep, opts
	if r, err := os.OpenRoot(root); err == nil {
		s.rootFS, s.closeRoot = r.FS(), func() { r.Close() }
	}
	s.mu.Unlock()
	if msg != "" {
		s.showError(msg)
	}
	return map[string]any{
		"capabilities": map[string]any{
			"textDocumentSync":       map[string]any{"openClose": true, "change": 1},
			"definitionProvider":     true,
			"hoverProvider":          true,
			"documentSymbolProvider": true,
			"completionProvider": map[string]any{
				"triggerCharacters": []string{"'", `"`, " ", "/"},
			},
			"codeActionProvider": map[string]any{"codeActionKinds": []string{"quickfix"}},
			"signatureHelpProvider": map[string]any{
				"triggerCharacters": []string{"(", ","},
			},
		},
		"serverInfo": map[string]any{"name": "redis-lua"},
	}, nil
}

// setup reads the configuration as check does and decides the scripts'
// root: --dir, else the configuration's dir, else the workspace folder.
// A bad configuration is reported (msg) and the defaults are used.
func (s *Server) setup(folder string) (root string, keep func(string) bool, opts lint.Options, msg string) {
	var cfg *config.Config
	var err error
	switch {
	case s.opts.Config != "":
		cfg, err = config.Load(s.opts.Config)
	case s.opts.Dir != "":
		cfg, err = config.Find(s.opts.Dir)
	default:
		cfg, err = config.Find(folder)
	}
	if err != nil {
		msg = fmt.Sprintf("configuration: %v (using the defaults)", err)
		cfg = &config.Config{}
	}
	if s.opts.Target != "" {
		cfg.Target = s.opts.Target
	}
	if s.opts.Also != nil {
		cfg.Also = s.opts.Also
	}
	opts, err = cfg.Options()
	if err != nil {
		msg = fmt.Sprintf("configuration: %v (using the defaults)", err)
		cfg = &config.Config{}
		opts, _ = cfg.Options()
	}
	if s.opts.Table != nil {
		opts.Target = s.opts.Table
	}
	if opts.Target == nil {
		opts.Target = commands.Default()
	}
	switch {
	case s.opts.Dir != "":
		root = s.opts.Dir
	case cfg.ScriptDir() != "":
		root = cfg.ScriptDir()
	default:
		root = folder
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return filepath.Clean(root), cfg.Keep, opts, msg
}

func (s *Server) shutdownRequest(context.Context, json.RawMessage) (any, error) {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	return nil, nil
}

func (s *Server) didOpen(_ context.Context, params json.RawMessage) (any, error) {
	var p didOpenParams
	if err := unmarshal(params, &p); err != nil {
		return nil, err
	}
	fp := uriPath(p.TextDocument.URI)
	if fp == "" {
		return nil, nil // not a file: nothing to resolve it against
	}
	s.mu.Lock()
	s.docs[fp] = newDocument(p.TextDocument.URI, fp, p.TextDocument.Version, p.TextDocument.Text)
	s.gen++
	s.mu.Unlock()
	s.changed()
	return nil, nil
}

func (s *Server) didChange(_ context.Context, params json.RawMessage) (any, error) {
	var p didChangeParams
	if err := unmarshal(params, &p); err != nil {
		return nil, err
	}
	fp := uriPath(p.TextDocument.URI)
	s.mu.Lock()
	d := s.docs[fp]
	if d != nil {
		for _, c := range p.ContentChanges {
			d.applyChange(c.Range, c.Text)
		}
		d.version = p.TextDocument.Version
		s.gen++
	}
	s.mu.Unlock()
	if d != nil {
		s.changed()
	}
	return nil, nil
}

func (s *Server) didClose(_ context.Context, params json.RawMessage) (any, error) {
	var p struct {
		TextDocument textDocumentIdentifier `json:"textDocument"`
	}
	if err := unmarshal(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	delete(s.docs, uriPath(p.TextDocument.URI))
	s.gen++
	s.mu.Unlock()
	s.changed()
	return nil, nil
}

// changed asks the diagnostics loop for a new round (coalesced: a burst
// of changes is one round on the latest text).
func (s *Server) changed() {
	select {
	case s.dirty <- struct{}{}:
	default:
	}
}

// current returns the snapshot of the documents as they are now (the
// same one until the next change).
func (s *Server) current() *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap == nil || s.snap.gen != s.gen {
		s.snap = newSnapshot(s.gen, s.root, s.rootFS, s.docs, s.lintOpts, s.keep)
	}
	return s.snap
}
