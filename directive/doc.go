// Package directive is the lexer of redislua's directive language.
//
// A redislua script is an ordinary Lua file in which some whole lines are
// directives:
//
//	%key NAME          a Redis key parameter
//	%arg NAME [TYPE]   a typed argument
//	%return TYPE       how the reply is decoded
//	%include "NAME"    textual include (single quotes work too)
//	%pragma once       include this file at most once per rendering
//
// A directive line is: optional blanks, '%', the directive word, its
// operands separated by blanks, optional blanks. Blanks are space, tab, CR,
// vertical tab and form feed, so CRLF files lex like LF files. Every other
// line is Lua text and is returned byte for byte; a '%' inside a Lua line
// (string.format('%s', x), a % b) is text. A line whose first non-blank
// character is '%' but which is not a valid directive is an error: no Lua
// line starts with '%'.
//
// Lex turns a script's text into a sequence of [Item]s: runs of Lua text
// lines, a shebang line, and directives with the position of each operand.
// It reports every malformed directive, not only the first, as an
// [ErrorList] of [*Error] values that carry line:col and, for near misses,
// a suggestion ("did you mean %include?"). [Items] yields the same items
// one at a time and allocates nothing, for callers that keep their own
// compact form of a script (the resolve module does).
//
// The package does no I/O and knows nothing of includes or of what types
// mean; it only recognises the shape of operands. Type names are checked
// against a list given in [Options] (redislua passes the one type table of
// the codec module), so that the project has exactly one such table.
//
// Positions count lines from 1 and columns from 1 in bytes, like go/scanner.
// A UTF-8 byte order mark at the start of the input is skipped: it belongs
// to no item, and offsets still count it.
package directive
