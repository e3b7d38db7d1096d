// Package luatest runs a user's own test cases for the scripts of a
// tree: `redis-lua test` and the same from Go.
//
// A case file is a txtar archive (conventionally under the tree's
// testdata/ directory) whose run.json is the conformance suite's
// (conformance.RunSpec: setup, args, want, error, check, mode, repeat,
// backends) with one more field per entry, "script", the script of the
// tree the entry calls:
//
//	What these cases prove.
//	-- run.json --
//	[{"script": "create_foo", "args": {"size": 5, "members": ["a"]}, "want": {"id": 1, "members": ["a"], "size": 5}},
//	 {"script": "create_foo", "args": {"size": "x", "members": []}, "error": {"kind": "args", "names": ["size"]}}]
//	-- lua/lib/util.lua --
//	overlay: replaces (or adds) lib/util.lua of the tree for this file's runs
//
// Each entry is judged by the conformance harness (conformance.RunCase)
// as a case of its own, on a conformance.Backend: the database is
// emptied before each entry (FLUSHDB), setup runs, then the call, then
// the checks. With Options.Cover, the calls run instrumented (see
// package luacover) and the report holds the line coverage of every
// file the scripts ran, with the same outcomes as without it.
package luatest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/redislua/redislua/cli/luacover"
	"github.com/redislua/redislua/conformance"
	"github.com/redislua/redislua/resolve"
	"golang.org/x/tools/txtar"
)

// File is one case file.
type File struct {
	Path    string            // as loaded
	Comment string            // what the cases prove
	Overlay map[string]string // lua/… sections, by path in the tree: "lib/x.lua"
	Runs    []Entry
}

// Entry is one entry of run.json: the conformance schema and the script
// it calls.
type Entry struct {
	Script string
	conformance.RunSpec
}

// ParseFile reads a case file. Its sections are run.json (required)
// and lua/… overlays; any other section, an entry without "script", a
// field the schema does not have, is an error naming the file.
func ParseFile(path string, data []byte) (*File, error) {
	a := txtar.Parse(data)
	f := &File{Path: path, Comment: strings.TrimSpace(string(a.Comment)), Overlay: map[string]string{}}
	var runJSON []byte
	for _, s := range a.Files {
		switch {
		case strings.HasPrefix(s.Name, "lua/") && strings.HasSuffix(s.Name, resolve.Ext):
			f.Overlay[strings.TrimPrefix(s.Name, "lua/")] = string(s.Data)
		case s.Name == "run.json":
			runJSON = s.Data
		default:
			return nil, fmt.Errorf("%s: section %s: unknown section (want run.json or lua/NAME.lua)", path, s.Name)
		}
	}
	if runJSON == nil {
		return nil, fmt.Errorf("%s: no run.json section", path)
	}
	// "script" is ours; the rest goes through the conformance parser,
	// which checks the schema as it does for the suite's own cases.
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(runJSON, &entries); err != nil {
		return nil, fmt.Errorf("%s: section run.json: %v", path, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: section run.json: no entries", path)
	}
	scripts := make([]string, len(entries))
	for i, e := range entries {
		raw, ok := e["script"]
		if !ok || json.Unmarshal(raw, &scripts[i]) != nil || scripts[i] == "" {
			return nil, fmt.Errorf("%s: section run.json: entry %d: want \"script\": \"NAME\", the script of the tree it calls", path, i+1)
		}
		delete(e, "script")
	}
	rest, err := json.Marshal(entries)
	if err != nil {
		return nil, fmt.Errorf("%s: section run.json: %v", path, err)
	}
	c, err := conformance.ParseCase(path, txtar.Format(&txtar.Archive{
		Comment: []byte("user case\n"),
		Files:   []txtar.File{{Name: "run.json", Data: rest}},
	}))
	if err != nil {
		return nil, err
	}
	for i, spec := range c.Runs {
		f.Runs = append(f.Runs, Entry{Script: scripts[i], RunSpec: spec})
	}
	return f, nil
}

// Load reads the case files of paths: a .txtar file, or every *.txtar
// under a directory, in lexical order.
func Load(paths ...string) ([]*File, error) {
	var files []*File
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		var names []string
		if fi.IsDir() {
			err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.HasSuffix(path, ".txtar") {
					names = append(names, path)
				}
				return err
			})
			if err != nil {
				return nil, err
			}
		} else {
			names = []string{p}
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				return nil, err
			}
			f, err := ParseFile(name, data)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	return files, nil
}

// Options tune Run.
type Options struct {
	// Runner answers the harness's requests; nil is the built-in one
	// (conformance.NewBuiltin), closed when Run returns.
	Runner conformance.Runner
	// Cover runs the calls instrumented and fills Report.Coverage.
	Cover bool
}

// Result is the outcome of one run.json entry on one backend.
type Result struct {
	File    string `json:"file"`
	Run     int    `json:"run"` // from 1, in run.json
	Script  string `json:"script"`
	Backend string `json:"backend"`
	Status  string `json:"status"` // pass, fail or skip
	Message string `json:"message,omitempty"`
}

// Report is the outcomes of Run.
type Report struct {
	Results                 []Result           `json:"results"`
	Passed, Failed, Skipped int                `json:"-"`
	Coverage                *luacover.Coverage `json:"-"`
}

// Run runs every entry of files against the scripts of tree (the
// files ending in .lua; testdata/ is left out) on backend b.
func Run(ctx context.Context, tree fs.FS, files []*File, b *conformance.Backend, opts *Options) (*Report, error) {
	if opts == nil {
		opts = &Options{}
	}
	scripts, err := readTree(tree)
	if err != nil {
		return nil, err
	}
	runner := opts.Runner
	if runner == nil {
		builtin := conformance.NewBuiltin()
		defer builtin.Close()
		runner = builtin
	}
	r := &Report{}
	if opts.Cover {
		r.Coverage = luacover.NewCoverage()
		runner = &coverRunner{Runner: runner, client: b.Client, cov: r.Coverage}
	}
	for _, f := range files {
		all := maps.Clone(scripts)
		maps.Copy(all, f.Overlay)
		for i, run := range f.Runs {
			c := &conformance.Case{
				Name:    fmt.Sprintf("%s run %d", f.Path, i+1),
				Comment: f.Comment,
				Files:   all,
				Load:    run.Script,
				Runs:    []conformance.RunSpec{run.RunSpec},
			}
			o := conformance.RunCase(ctx, c, runner, b)
			res := Result{File: f.Path, Run: i + 1, Script: run.Script, Backend: o.Backend, Status: o.Status, Message: strings.TrimPrefix(o.Message, "run 1: ")}
			switch res.Status {
			case "pass":
				r.Passed++
			case "fail":
				r.Failed++
			default:
				r.Skipped++
			}
			r.Results = append(r.Results, res)
		}
	}
	return r, ctx.Err()
}

// readTree reads the scripts of tree, by path.
func readTree(tree fs.FS) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(tree, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path == "testdata" {
			return fs.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, resolve.Ext) {
			return nil
		}
		data, err := fs.ReadFile(tree, path)
		out[path] = string(data)
		return err
	})
	return out, err
}

// Summary is "N passed, N failed" (", N skipped" when some were).
func (r *Report) Summary() string {
	s := fmt.Sprintf("%d passed, %d failed", r.Passed, r.Failed)
	if r.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", r.Skipped)
	}
	return s
}

// WriteText writes each failure (file, run, script, backend, then what
// was expected and what came) and the summary.
func (r *Report) WriteText(w io.Writer) error {
	for _, res := range r.Results {
		if res.Status != "fail" {
			continue
		}
		fmt.Fprintf(w, "FAIL %s run %d (%s, %s):\n    %s\n", res.File, res.Run, res.Script, res.Backend, strings.ReplaceAll(res.Message, "\n", "\n    "))
	}
	_, err := fmt.Fprintln(w, r.Summary())
	return err
}

// WriteJUnit writes the report as JUnit XML, for CI systems that read
// it: a test suite per backend ("redislua test (redis)"), a test case
// per run.json entry ("testdata/x.txtar run 2 (script)"), a failure
// with what was wanted and what came.
func (r *Report) WriteJUnit(w io.Writer) error {
	cr := conformance.Report{Suite: "test", Passed: r.Passed, Failed: r.Failed, Skipped: r.Skipped}
	for _, res := range r.Results {
		cr.Outcomes = append(cr.Outcomes, conformance.Outcome{
			Case:    fmt.Sprintf("%s run %d (%s)", res.File, res.Run, res.Script),
			Backend: res.Backend, Status: res.Status, Message: res.Message,
		})
	}
	return cr.WriteJUnit(w)
}

// WriteJSON writes the report as one JSON object: results, counts and,
// with coverage, the files' line counts.
func (r *Report) WriteJSON(w io.Writer) error {
	type file struct {
		File  string        `json:"file"`
		Lines map[int]int64 `json:"lines"`
	}
	out := struct {
		Results  []Result `json:"results"`
		Passed   int      `json:"passed"`
		Failed   int      `json:"failed"`
		Skipped  int      `json:"skipped"`
		Coverage []file   `json:"coverage,omitempty"`
	}{Results: r.Results, Passed: r.Passed, Failed: r.Failed, Skipped: r.Skipped}
	if out.Results == nil {
		out.Results = []Result{}
	}
	if r.Coverage != nil {
		for _, name := range r.Coverage.Files() {
			out.Coverage = append(out.Coverage, file{File: name, Lines: r.Coverage.Lines(name)})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
