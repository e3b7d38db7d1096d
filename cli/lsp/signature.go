package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/luascan"
)

// signatureHelp answers textDocument/signatureHelp inside the
// parentheses of redis.call/pcall (server.call/pcall) whose first
// argument is a literal command name: the command's (or subcommand's)
// syntax from the target's table, one parameter per argument of its
// grammar, the one the cursor is in marked where the grammar tells it
// (activeParameter).
func (s *Server) signatureHelp(_ context.Context, params json.RawMessage) (any, error) {
	c, ok, err := s.at(params)
	if !ok || err != nil {
		return nil, err
	}
	call, ok := openCall(c.d.text[:c.d.lines[c.ln]+c.b])
	if !ok || call.name == "" {
		return nil, nil
	}
	t := c.target()
	cmd := t.Command(call.name)
	if cmd == nil {
		return nil, nil
	}
	arg := call.arg - 1 // the cursor's argument after the name
	words := call.words[1:]
	if len(cmd.Subcommands()) > 0 {
		// A container (CLIENT, XINFO): the subcommand's syntax, once
		// its name is written.
		sub := cmd.Subcommand(call.sub)
		if sub == nil || arg < 1 {
			return nil, nil
		}
		cmd, arg, words = sub, arg-1, words[1:]
	}
	if arg < 0 {
		return nil, nil // on the command's name
	}
	label := cmd.Display()
	var ps []ParameterInformation
	for _, a := range cmd.Args() {
		label += " "
		from := len(label)
		label += a.Syntax()
		ps = append(ps, ParameterInformation{Label: [2]int{from, len(label)}})
	}
	active := activeParameter(cmd, arg, words)
	if active < 0 {
		// Out of range: no parameter is marked (what LSP clients do with
		// an index past the parameters; -1 is not a uinteger).
		active = len(ps)
	}
	return SignatureHelp{
		Signatures:      []SignatureInformation{{Label: label, Parameters: ps}},
		ActiveParameter: active,
	}, nil
}

// activeParameter is the index of the grammar's argument that the n-th
// argument after the name (from 0) belongs to, or -1 when the grammar
// and the literals before it do not tell: the leading positional
// arguments by position; after them, the option whose token is the
// nearest literal word before (or at) the argument (SET k v EX |: EX
// seconds); else the first argument after the positional ones when it
// is not optional (DEL's repeated key).
func activeParameter(cmd *commands.Command, n int, words []string) int {
	gram, lead := cmd.Args(), cmd.Positional()
	if n < lead {
		return n
	}
	for i := min(n, len(words)-1); i >= lead; i-- {
		w := strings.ToUpper(words[i])
		if w == "" {
			continue
		}
		for g := lead; g < len(gram); g++ {
			if hasToken(gram[g], w) {
				return g
			}
		}
	}
	if lead < len(gram) && !gram[lead].Optional() {
		return lead
	}
	return -1
}

// hasToken reports whether word (upper case) is a token that starts a
// (an option's token, one of a one-of's tokens, a block's first one).
func hasToken(a *commands.Arg, word string) bool {
	if a.Token() != "" {
		return strings.ToUpper(a.Token()) == word
	}
	switch a.Type() {
	case commands.TypeOneOf:
		for _, alt := range a.Args() {
			if hasToken(alt, word) {
				return true
			}
		}
	case commands.TypeBlock:
		if args := a.Args(); len(args) > 0 {
			return hasToken(args[0], word)
		}
	}
	return false
}

// call is a redis.call/pcall open at the end of a text.
type call struct {
	name, sub string   // the literal command name and second word ("" when not literal)
	arg       int      // the argument the text ends in, from 0 (the name)
	words     []string // each argument's literal text so far ("" when not a literal)
}

// openCall finds the innermost parenthesis still open at the end of
// text and reports it when it is the argument list of redis.call or
// pcall (or server.call/pcall). Tokens come from luascan, so commas
// inside strings, tables or nested calls are not the call's.
func openCall(text string) (call, bool) {
	type frame struct {
		redis bool
		c     call
		fresh bool // no token yet in the current argument
	}
	var stack []frame
	var prev [3]luascan.Token // the last three tokens, newest last
	sc := luascan.New(text)
	for {
		t := sc.Next()
		if t.Kind == luascan.EOF {
			break
		}
		if t.Kind == luascan.Comment || t.Kind == luascan.Shebang {
			continue
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].redis && t.Kind != luascan.Op {
			f := &stack[top]
			if f.fresh && (t.Kind == luascan.String || t.Kind == luascan.Number) {
				f.c.words[f.c.arg] = literalText(t)
			} else {
				f.c.words[f.c.arg] = "" // not one literal
			}
			f.fresh = false
		}
		switch {
		case t.Kind != luascan.Op:
		case t.Text == "(":
			redis := prev[2].Kind == luascan.Name && (prev[2].Text == "call" || prev[2].Text == "pcall") &&
				prev[1].Text == "." && prev[0].Kind == luascan.Name && (prev[0].Text == "redis" || prev[0].Text == "server")
			if top >= 0 && stack[top].redis {
				stack[top].c.words[stack[top].c.arg] = ""
				stack[top].fresh = false
			}
			stack = append(stack, frame{redis: redis, c: call{words: []string{""}}, fresh: true})
		case t.Text == "{" || t.Text == "[":
			if top >= 0 && stack[top].redis {
				stack[top].c.words[stack[top].c.arg] = ""
				stack[top].fresh = false
			}
			stack = append(stack, frame{})
		case t.Text == ")" || t.Text == "}" || t.Text == "]":
			if top >= 0 {
				stack = stack[:top]
			}
		case t.Text == "," && top >= 0 && stack[top].redis:
			f := &stack[top]
			f.c.arg++
			f.c.words = append(f.c.words, "")
			f.fresh = true
		case top >= 0 && stack[top].redis:
			stack[top].c.words[stack[top].c.arg] = "" // an operator: an expression
			stack[top].fresh = false
		}
		prev = [3]luascan.Token{prev[1], prev[2], t}
	}
	if len(stack) == 0 || !stack[len(stack)-1].redis {
		return call{}, false
	}
	c := stack[len(stack)-1].c
	c.name = c.words[0]
	if len(c.words) > 1 {
		c.sub = c.words[1]
	}
	return c, true
}

// literalText is the text of a string or number token, without its
// quotes (escapes are left as written: command words have none).
func literalText(t luascan.Token) string {
	s := t.Text
	if t.Kind == luascan.String {
		s = s[1:]
		if n := len(s); n > 0 && s[n-1] == t.Text[0] {
			s = s[:n-1]
		}
	}
	return s
}
