// Package lsp is the language server of redis-lua (`redis-lua lsp`):
// the Language Server Protocol over stdio for Redis Lua scripts written
// with redislua directives.
//
// It is a thin layer over the analysis the rest of redislua already
// does, as gopls is over go/packages and the analyzers: the directive
// lexer (positions of %key, %arg, %include), the resolver (includes,
// parameters, the source map from rendered lines to files) and the
// linter with its command table (vet/lint, vet/commands), read through
// the project configuration (vet/config) exactly as `redis-lua check`
// reads them. It answers:
//
//   - diagnostics as the user types, from the open documents' text (full
//     synchronisation): directive errors (unknown type, duplicate name,
//     include cycle, missing include) and the linter's errors and
//     warnings with their codes and ranges; a finding in an included file
//     is shown on that file and summed up on the %include line of the
//     open script that reaches it ("2 errors in lib/x.lua");
//   - definition: an %include path → the file; a %key or %arg name → its
//     directive; a local or function defined in an included file → its
//     line there;
//   - hover: a %key or %arg name → its kind, type and place in KEYS or
//     ARGV; a command name in redis.call/pcall → its syntax, arity,
//     flags, group and the version that added it, from the target's table
//     (facts only: the tables keep none of the servers' prose);
//   - completion: command names inside redis.call('…, subcommands after
//     the command, %arg types, %include paths, declared names;
//   - signature help: inside redis.call/pcall with a literal command
//     name, the command's (or subcommand's) syntax with one parameter per
//     argument of its grammar, the one the cursor is in marked where the
//     leading arguments or the nearest option token tell it;
//   - code actions: the quick fix of a near miss (an unknown command,
//     subcommand, option or redis.* field with a did-you-mean), the word
//     replaced by the linter's suggestion (lint.Finding.Suggestion);
//   - document symbols: the directives and the local functions.
//
// # The protocol by hand
//
// The JSON-RPC framing (Content-Length headers over stdio) and the dozen
// message types this server uses are written here over encoding/json
// (protocol.go), rather than taken from go.lsp.dev/protocol with
// go.lsp.dev/jsonrpc2 (v1.0.1) or github.com/tliron/glsp (v0.2.2):
//
//   - the cli module's dependencies stay what they are; every module is
//     built and tested alone from its zip by the release check, and each
//     dependency is more to pin, audit and keep building on the oldest
//     supported Go;
//   - glsp speaks LSP 3.16 and brings 47 third-party packages; go.lsp.dev
//     covers all of LSP 3.18 (hundreds of generated types) of which this
//     server uses about fifteen, and its module proxy lists only v0.12.0,
//     which does not build with the jsonrpc2 it needs, so a plain
//     `go get` breaks;
//   - the framing is a header line and a JSON body: about a hundred lines
//     with its tests, which also pin the behaviour on bad input (a
//     missing or huge Content-Length, a body that is not JSON) that a
//     library would decide for us.
//
// Positions are UTF-16 code units, the protocol's default encoding, and
// converted to and from the byte columns the lexer and the linter use.
//
// # Bad input
//
// A document whose directives do not parse still gets its directive
// errors and, with the bad lines blanked out, the linter's findings; a
// cycle or a missing include is a diagnostic; a request past the end of a
// document gets an empty answer; a document larger than MaxLint bytes
// gets its directive diagnostics and one saying it was not linted. The
// server ends on exit (status 0 after shutdown, 1 without) and when its
// input closes.
package lsp
