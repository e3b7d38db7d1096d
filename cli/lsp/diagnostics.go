package lsp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/lint"
)

// MaxLint is the largest document the linter runs on as the user types
// (2 MiB); a larger one gets its directive errors only, and a
// diagnostic saying so.
const MaxLint = 2 << 20

const source = "redis-lua"

// diagnoseLoop publishes the diagnostics of every open document after
// each change (a burst of changes is one round).
func (s *Server) diagnoseLoop(ctx context.Context) {
	defer s.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.dirty:
		}
		s.publishAll(s.current())
	}
}

// publishAll diagnoses every open document of a snapshot and publishes
// the diagnostics of each URI they touch: the open documents, the files
// they include, and the URIs that had diagnostics and have none now.
func (s *Server) publishAll(sn *snapshot) {
	agg := map[string][]Diagnostic{}
	seen := map[string]map[string]bool{}
	paths := make([]string, 0, len(sn.docs))
	for p := range sn.docs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		d := sn.docs[p]
		if _, ok := agg[d.uri]; !ok {
			agg[d.uri] = []Diagnostic{}
		}
		for uri, ds := range sn.diagnose(d) {
			if seen[uri] == nil {
				seen[uri] = map[string]bool{}
			}
			for _, x := range ds {
				k := fmt.Sprintf("%v|%s|%s", x.Range, x.Code, x.Message)
				if !seen[uri][k] {
					seen[uri][k] = true
					agg[uri] = append(agg[uri], x)
				}
			}
			if agg[uri] == nil {
				agg[uri] = []Diagnostic{}
			}
		}
	}
	s.mu.Lock()
	stale := s.gen != sn.gen
	old := s.published
	s.published = map[string]bool{}
	for uri, ds := range agg {
		if len(ds) > 0 {
			s.published[uri] = true
		}
	}
	for uri := range old {
		if _, ok := agg[uri]; !ok {
			agg[uri] = []Diagnostic{}
		}
	}
	s.mu.Unlock()
	if stale {
		// A newer change is queued: its round publishes.
		s.mu.Lock()
		s.published = old
		s.mu.Unlock()
		return
	}
	uris := make([]string, 0, len(agg))
	for uri := range agg {
		uris = append(uris, uri)
	}
	sort.Strings(uris)
	for _, uri := range uris {
		ds := agg[uri]
		sort.SliceStable(ds, func(i, j int) bool {
			a, b := ds[i].Range.Start, ds[j].Range.Start
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Character < b.Character
		})
		s.notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: uri, Diagnostics: ds})
	}
}

// tally counts the findings in one included file.
type tally struct {
	errors, warnings int
	first            string // the first error's message (else warning's)
}

// diagnose returns the diagnostics an open document causes, by URI: its
// own, those of the files it includes, and on each %include line a sum
// of what lies behind it.
func (sn *snapshot) diagnose(d *document) map[string][]Diagnostic {
	name := ""
	if n, ok := scriptName(sn.root, d.path); ok {
		name = n
	}
	docFile := sn.fileOf(d, name)
	out := map[string][]Diagnostic{d.uri: {}}
	items := lex(d.text)
	sums := map[int]map[string]*tally{} // include line → file → counts
	add := func(file string, line, col int, sev int, code, msg, fix string) {
		var data *DiagnosticData
		if fix != "" {
			data = &DiagnosticData{Replace: fix}
		}
		if file == docFile || file == "" {
			out[d.uri] = append(out[d.uri], Diagnostic{Range: rangeAt(d.lines, d.text, line, col), Severity: sev, Code: code, Source: source, Message: msg, Data: data})
			return
		}
		at := sn.includeLine(items, name, docFile, file)
		if at == 0 {
			return // not behind an include of this document: not its business
		}
		f := sn.file(file)
		uri := sn.uriOf(file)
		out[uri] = append(out[uri], Diagnostic{Range: rangeAt(f.starts, f.text, line, col), Severity: sev, Code: code, Source: source, Message: msg, Data: data})
		if sums[at] == nil {
			sums[at] = map[string]*tally{}
		}
		t := sums[at][file]
		if t == nil {
			t = &tally{}
			sums[at][file] = t
		}
		if sev == SeverityError {
			if t.errors == 0 {
				t.first = msg
			}
			t.errors++
		} else {
			if t.errors == 0 && t.warnings == 0 {
				t.first = msg
			}
			t.warnings++
		}
	}

	if len(d.text) > MaxLint {
		for _, it := range items {
			if it.Kind == directive.Invalid && it.Err != nil {
				add(docFile, it.Err.Pos.Line, it.Err.Pos.Col, SeverityError, "syntax", it.Err.Message(), "")
			}
		}
		out[d.uri] = append(out[d.uri], Diagnostic{Range: Range{}, Severity: SeverityInformation, Source: source,
			Message: fmt.Sprintf("not linted as you type: %d bytes is over %d (run redis-lua check)", len(d.text), MaxLint)})
		return out
	}

	script, err := sn.load(d, name)
	bad := map[int]bool{} // lines of the document with a load error
	report := func(err error) (more bool) {
		for _, one := range resolve.Flatten(err) {
			var re *resolve.Error
			if !errors.As(one, &re) {
				add(docFile, 1, 0, SeverityError, "load", one.Error(), "")
				continue
			}
			p := re.Pos()
			line := p.Line
			if p.File != docFile && p.File != "" {
				line = sn.includeLine(items, name, docFile, p.File)
			}
			if line > 0 && bad[line] {
				continue // reported already
			}
			msg := strings.TrimPrefix(one.Error(), p.String()+": ")
			add(p.File, p.Line, p.Col, SeverityError, re.Kind(), msg, "")
			if line > 0 {
				bad[line], more = true, true
			}
		}
		return more
	}
	report(err)
	var scripts []*resolve.Script
	if script != nil {
		scripts = sn.entriesOf(script, name)
	} else if len(bad) > 0 {
		// The resolver stops at a file's first error: blank the bad
		// line out (it stays a line, so positions hold) and load again,
		// for the next directive error, then the linter's findings.
		lines := strings.Split(d.text, "\n")
		pname := name
		if pname == "" {
			pname = strings.TrimSuffix(docFile, resolve.Ext)
		}
		for range 64 {
			for n := range bad {
				if n >= 1 && n <= len(lines) {
					lines[n-1] = ""
				}
			}
			s, err := sn.loader.Parse(pname, strings.Join(lines, "\n"))
			if err == nil {
				scripts = []*resolve.Script{s}
				break
			}
			if !report(err) {
				break
			}
		}
	}
	for _, s := range scripts {
		for _, f := range lint.LintWith(s, sn.lintOpts) {
			if !sn.keep(f.Code) {
				continue
			}
			sev := SeverityWarning
			if f.Severity == lint.Error {
				sev = SeverityError
			}
			add(f.Pos.File, f.Pos.Line, f.Pos.Col, sev, f.Code, f.Message, f.Suggestion)
		}
	}
	for at, files := range sums {
		names := make([]string, 0, len(files))
		for f := range files {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			t := files[f]
			sev := SeverityWarning
			if t.errors > 0 {
				sev = SeverityError
			}
			r := rangeAt(d.lines, d.text, at, 0)
			for _, it := range items {
				if it.Kind == directive.Include && it.Pos.Line == at && it.Name.Pos.Col > 0 {
					r = rangeAt(d.lines, d.text, at, it.Name.Pos.Col)
				}
			}
			out[d.uri] = append(out[d.uri], Diagnostic{Range: r, Severity: sev, Source: source, Message: t.String() + " in " + f + ": " + t.first})
		}
	}
	return out
}

func (t *tally) String() string {
	var parts []string
	if t.errors > 0 {
		parts = append(parts, plural(t.errors, "error"))
	}
	if t.warnings > 0 {
		parts = append(parts, plural(t.warnings, "warning"))
	}
	return strings.Join(parts, ", ")
}

// entriesOf are the scripts to lint for an open script, as check lints
// them: the scripts of the tree that include it and no other script
// includes (an included file is linted where it is used), else itself.
func (sn *snapshot) entriesOf(script *resolve.Script, name string) []*resolve.Script {
	if name == "" {
		return []*resolve.Script{script}
	}
	using := map[string]*resolve.Script{}
	for n, s := range sn.allScripts() {
		if n != name && slices.Contains(s.Includes(), name) {
			using[n] = s
		}
	}
	if len(using) == 0 {
		return []*resolve.Script{script}
	}
	return lint.Entries(using)
}

// includeLine is the line (from 1) of the document's %include that
// leads to file ("lib/x.lua"), directly or through other includes; 0
// when none does.
func (sn *snapshot) includeLine(items []directive.Item, name, docFile, file string) int {
	from := name
	if from == "" {
		from = strings.TrimSuffix(docFile, resolve.Ext)
	}
	target := strings.TrimSuffix(file, resolve.Ext)
	for _, it := range items {
		if it.Kind != directive.Include {
			continue
		}
		inc, ok := includeName(from, it.Name.Text)
		if !ok {
			continue
		}
		if inc == target {
			return it.Pos.Line
		}
		s, err := sn.loader.Load(inc)
		if s != nil && slices.Contains(s.Includes(), target) {
			return it.Pos.Line
		}
		for _, one := range resolve.Flatten(err) {
			var re *resolve.Error
			if errors.As(one, &re) && re.Pos().File == file {
				return it.Pos.Line
			}
		}
	}
	return 0
}
