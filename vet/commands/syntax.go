package commands

import "strings"

// Syntax is the command's usage line built from its argument grammar,
// in the form of Redis's documentation: SET key value [NX | XX] [GET]
// [EX seconds | PX milliseconds | ...]. Optional arguments are in
// brackets, alternatives separated by |, repetition marked with ....
func (c *Command) Syntax() string {
	var b strings.Builder
	b.WriteString(c.Display())
	for _, a := range c.args {
		b.WriteByte(' ')
		b.WriteString(a.Syntax())
	}
	return b.String()
}

// Syntax is the argument's part of a usage line.
func (a *Arg) Syntax() string {
	var inner string
	switch a.typ {
	case TypePureToken:
		inner = a.token
	case TypeOneOf:
		parts := make([]string, len(a.args))
		for i, c := range a.args {
			parts[i] = c.Syntax()
		}
		inner = strings.Join(parts, " | ")
		if a.token != "" {
			inner = a.token + " " + group(inner)
		}
	case TypeBlock:
		parts := make([]string, len(a.args))
		for i, c := range a.args {
			parts[i] = c.Syntax()
		}
		inner = strings.Join(parts, " ")
		if a.token != "" {
			inner = a.token + " " + inner
		}
	default:
		inner = a.Display()
		if a.token != "" {
			inner = a.token + " " + inner
		}
	}
	if a.Multiple() {
		one := inner
		if !a.MultipleToken() && a.token != "" && a.typ != TypePureToken {
			one = strings.TrimPrefix(inner, a.token+" ")
		}
		inner = inner + " [" + one + " ...]"
	}
	if a.Optional() {
		return "[" + inner + "]"
	}
	if a.typ == TypeOneOf && !a.Multiple() && a.token == "" {
		return "<" + inner + ">"
	}
	return inner
}

// group puts alternatives in parentheses when there are several.
func group(s string) string {
	if strings.Contains(s, " | ") {
		return "(" + s + ")"
	}
	return s
}
