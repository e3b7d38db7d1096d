package lsp

import (
	"context"
	"encoding/json"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
)

var (
	// Completion contexts, matched on the line up to the cursor.
	completeCommand = regexp.MustCompile(`\b(?:redis|server)\s*\.\s*p?call\s*\(\s*['"]([A-Za-z_-]*)$`)
	completeSub     = regexp.MustCompile(`\b(?:redis|server)\s*\.\s*p?call\s*\(\s*['"]([A-Za-z_-]+)['"]\s*,\s*['"]([A-Za-z_-]*)$`)
	completeType    = regexp.MustCompile(`^\s*%arg\s+[A-Za-z_][A-Za-z0-9_]*\s+([A-Za-z_]*)$`)
	completeInclude = regexp.MustCompile(`^\s*%include\s+['"]([^'"]*)$`)
)

// completion answers textDocument/completion: command names inside
// redis.call('…, subcommands after the command, %arg types, %include
// paths, and in the body the names the script declares (keys,
// arguments, locals of it and of its includes) and the target's Lua
// globals.
func (s *Server) completion(_ context.Context, params json.RawMessage) (any, error) {
	c, ok, err := s.at(params)
	if !ok || err != nil {
		return nil, err
	}
	before := c.line[:c.b]
	t := c.target()
	var items []CompletionItem
	edit := func(label string, n int) *TextEdit {
		return &TextEdit{Range: c.lineRange(c.b-n, c.b), NewText: label}
	}
	switch {
	case completeSub.MatchString(before):
		m := completeSub.FindStringSubmatch(before)
		parent := t.Command(m[1])
		if parent == nil {
			break
		}
		lower := isLower(m[1] + m[2])
		for _, sc := range parent.Subcommands() {
			label := sc.Display()[len(parent.Display())+1:]
			if lower {
				label = strings.ToLower(label)
			}
			if hasPrefixFold(label, m[2]) {
				items = append(items, CompletionItem{Label: label, Kind: kindFunction, Detail: sc.Syntax(), TextEdit: edit(label, len(m[2]))})
			}
		}
	case completeCommand.MatchString(before):
		m := completeCommand.FindStringSubmatch(before)
		lower := isLower(m[1])
		for _, cmd := range t.Commands() {
			if cmd.Has("noscript") {
				continue
			}
			label := cmd.Display()
			if lower {
				label = strings.ToLower(label)
			}
			if hasPrefixFold(label, m[1]) {
				items = append(items, CompletionItem{Label: label, Kind: kindFunction, Detail: cmd.Syntax(), TextEdit: edit(label, len(m[1]))})
			}
		}
	case completeType.MatchString(before):
		m := completeType.FindStringSubmatch(before)
		for _, ty := range codec.Types {
			if ty == codec.Untyped {
				continue
			}
			for _, name := range ty.Aliases() {
				if strings.HasPrefix(name, m[1]) {
					detail := ""
					if name != ty.String() {
						detail = "= " + ty.String()
					}
					items = append(items, CompletionItem{Label: name, Kind: kindTypeParm, Detail: detail, TextEdit: edit(name, len(m[1]))})
				}
			}
		}
	case completeInclude.MatchString(before):
		m := completeInclude.FindStringSubmatch(before)
		names, _ := c.sn.loader.Names()
		dir := path.Dir(c.from())
		for _, n := range names {
			if n == c.name {
				continue
			}
			label := "/" + n
			if dir == "." {
				label = n
			} else if strings.HasPrefix(n, dir+"/") {
				label = n[len(dir)+1:]
			}
			if strings.HasPrefix(label, m[1]) {
				items = append(items, CompletionItem{Label: label, Kind: kindFile, Detail: n + resolve.Ext, TextEdit: edit(label, len(m[1]))})
			}
		}
	case strings.HasPrefix(strings.TrimSpace(before), "%"):
		// Another directive's operands: nothing to offer.
	default:
		word, from, _ := wordAt(c.line, c.b)
		prefix := word[:c.b-from]
		if from > 0 && (c.line[from-1] == '.' || c.line[from-1] == ':') {
			// A field: the global table's own (redis.call, cjson.encode).
			if tbl, _, _ := wordAt(c.line, from-1); tbl != "" {
				for _, f := range t.Fields(tbl) {
					if strings.HasPrefix(f, prefix) {
						items = append(items, CompletionItem{Label: f, Kind: kindFunction, TextEdit: edit(f, len(prefix))})
					}
				}
			}
			break
		}
		items = c.names(prefix, t, edit)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Label < items[j].Label })
	if items == nil {
		items = []CompletionItem{}
	}
	return CompletionList{Items: items}, nil
}

// names are the names a body may use, starting with prefix: the keys and
// arguments, the locals of the document and of its includes, the
// target's globals.
func (c cursor) names(prefix string, t *commands.Table, edit func(string, int) *TextEdit) []CompletionItem {
	seen := map[string]bool{}
	var items []CompletionItem
	add := func(name string, kind int, detail string) {
		if seen[name] || !strings.HasPrefix(name, prefix) || name == prefix {
			return
		}
		seen[name] = true
		items = append(items, CompletionItem{Label: name, Kind: kind, Detail: detail, TextEdit: edit(name, len(prefix))})
	}
	lexed := lex(c.d.text)
	if s, err := c.sn.load(c.d, c.name); err == nil {
		for _, p := range s.Keys() {
			add(p.Name, kindVariable, "%key")
		}
		for _, p := range s.Args() {
			add(p.Name, kindVariable, "%arg "+p.Type.String())
		}
	} else {
		for _, it := range lexed {
			if it.Kind == directive.Key || it.Kind == directive.Arg {
				add(it.Name.Text, kindVariable, "%"+strings.ToLower(it.Kind.String()))
			}
		}
	}
	texts := []struct{ text, from string }{{c.d.text, ""}}
	for _, inc := range c.includes(lexed) {
		if f := c.sn.file(inc + resolve.Ext); f.ok {
			texts = append(texts, struct{ text, from string }{f.text, inc + resolve.Ext})
		}
	}
	for _, tx := range texts {
		for _, l := range strings.Split(tx.text, "\n") {
			names, _ := definitions(l)
			for _, n := range names {
				detail := "local"
				if tx.from != "" {
					detail = "local of " + tx.from
				}
				add(n, kindVariable, detail)
			}
		}
	}
	for _, g := range t.Globals() {
		typ, _ := t.Global(g)
		kind := kindVariable
		if typ == "table" {
			kind = kindModule
		} else if typ == "function" {
			kind = kindFunction
		}
		add(g, kind, "global "+typ)
	}
	for _, k := range luaKeywords {
		add(k, kindKeyword, "")
	}
	return items
}

var luaKeywords = []string{"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"}

func isLower(s string) bool { return s != "" && strings.ToLower(s) == s && strings.ToUpper(s) != s }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
