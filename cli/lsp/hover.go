package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/vet/commands"
)

// callRE matches a call of a Redis command with a literal name, and a
// literal second argument: redis.call('CLIENT', 'SETNAME', ...).
var callRE = regexp.MustCompile(`\b(?:redis|server)\s*\.\s*p?call\s*\(\s*(['"])([^'"]*)(['"])(?:\s*,\s*(['"])([^'"]*)['"])?`)

// hover answers textDocument/hover: on a %key or %arg name (its
// directive or a use in the body), its kind, type and place in KEYS or
// ARGV; on the literal name of a command in redis.call/pcall (or of its
// subcommand), the command's facts from the target's table.
func (s *Server) hover(ctx context.Context, params json.RawMessage) (any, error) {
	c, ok, err := s.at(params)
	if !ok || err != nil {
		return nil, err
	}
	if h, cmd := c.commandHover(); h != nil {
		if s.opts.Summary != nil {
			name := strings.ToLower(cmd.Display())
			name = strings.Replace(name, " ", "|", 1)
			if sum := s.opts.Summary(ctx, name); sum != "" {
				h.Contents.Value += "\n\n---\n" + sum + " *(the server's own summary)*"
			}
		}
		return h, nil
	}
	items := lex(c.d.text)
	word, from, to := wordAt(c.line, c.b)
	for _, it := range items {
		if (it.Kind == directive.Key || it.Kind == directive.Arg) && it.Pos.Line == c.ln+1 {
			word = it.Name.Text
			from = it.Name.Pos.Col - 1
			to = from + len(word)
		}
	}
	if word == "" {
		return nil, nil
	}
	p, ok := c.param(items, word)
	if !ok {
		return nil, nil
	}
	var b strings.Builder
	switch p.kind {
	case "key":
		fmt.Fprintf(&b, "**%%key** `%s`", word)
		if p.index > 0 {
			fmt.Fprintf(&b, " = `KEYS[%d]`", p.index)
		}
		b.WriteString(": a key (string)")
	default:
		typ := p.typ
		if typ == "" || typ == "untyped" {
			typ = "untyped (the string as sent)"
		}
		fmt.Fprintf(&b, "**%%arg** `%s`", word)
		if p.index > 0 {
			fmt.Fprintf(&b, " from `ARGV[%d]`", p.index)
		}
		fmt.Fprintf(&b, ": %s", typ)
	}
	if p.file != "" && p.file != c.sn.fileOf(c.d, c.name) {
		fmt.Fprintf(&b, "\n\ndeclared in `%s` line %d", p.file, p.line)
	}
	r := c.lineRange(from, to)
	return Hover{Contents: MarkupContent{Kind: "markdown", Value: b.String()}, Range: &r}, nil
}

// commandHover is the hover of a command or subcommand name under the
// cursor, and the command; nil when there is none.
func (c cursor) commandHover() (*Hover, *commands.Command) {
	t := c.target()
	for _, m := range callRE.FindAllStringSubmatchIndex(c.line, -1) {
		var cmd *commands.Command
		var from, to int
		switch {
		case c.b >= m[2] && c.b <= m[6]:
			cmd, from, to = t.Command(c.line[m[4]:m[5]]), m[4], m[5]
		case m[8] >= 0 && c.b >= m[8] && c.b <= m[11]+1:
			if parent := t.Command(c.line[m[4]:m[5]]); parent != nil {
				cmd, from, to = parent.Subcommand(c.line[m[10]:m[11]]), m[10], m[11]
			}
		default:
			continue
		}
		if cmd == nil {
			return nil, nil
		}
		r := c.lineRange(from, to)
		return &Hover{Contents: MarkupContent{Kind: "markdown", Value: commandDoc(cmd, t)}, Range: &r}, cmd
	}
	return nil, nil
}

// commandDoc is what the table says of a command: its syntax, arity,
// flags, group and versions (facts only, no prose).
func commandDoc(cmd *commands.Command, t *commands.Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (%s)\n\n```\n%s\n```\n\n", cmd.Display(), t.Name(), cmd.Syntax())
	a := cmd.Arity()
	words := 1
	if cmd.Parent() != nil {
		words = 2
	}
	switch {
	case a >= 0:
		fmt.Fprintf(&b, "- arity %d: exactly %s\n", a, plural(a-words, "argument"))
	default:
		fmt.Fprintf(&b, "- arity %d: at least %s\n", a, plural(-a-words, "argument"))
	}
	if fl := cmd.Flags(); len(fl) > 0 {
		fmt.Fprintf(&b, "- flags: %s\n", strings.Join(fl, ", "))
	}
	if g := cmd.Group(); g != "" {
		fmt.Fprintf(&b, "- group: %s\n", g)
	}
	if v := cmd.Since(); v != "" {
		fmt.Fprintf(&b, "- since: %s\n", v)
	}
	if since, by, ok := cmd.Deprecated(); ok {
		fmt.Fprintf(&b, "- deprecated since %s", since)
		if by != "" {
			fmt.Fprintf(&b, "; replaced by %s", by)
		}
		b.WriteString("\n")
	}
	if cmd.Has("noscript") {
		b.WriteString("- refused in scripts (noscript)\n")
	}
	if subs := cmd.Subcommands(); len(subs) > 0 {
		names := make([]string, len(subs))
		for i, sc := range subs {
			names[i] = sc.Display()[len(cmd.Display())+1:]
		}
		fmt.Fprintf(&b, "- subcommands: %s\n", strings.Join(names, ", "))
	}
	return strings.TrimRight(b.String(), "\n")
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}
