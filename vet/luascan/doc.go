// Package luascan reads Lua 5.1 source, the Lua that Redis compiles, into
// tokens with their positions, in the manner of go/scanner: every token
// carries its byte offset, line and column. The linter (numerals that
// Redis and the parser read differently, nesting levels), coverage
// (where statements begin) and the debugger (lines where Lua can stop)
// all read scripts through it, so that a comment, a long string or a
// numeral is one thing everywhere.
//
// It reads tokens, not grammar, and never fails: an unterminated string
// or long bracket ends at the end of its line or of the source, and any
// byte that starts no token is an operator of one byte. Deciding what is
// malformed is the parser's job (or the server's).
package luascan
