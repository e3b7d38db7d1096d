// Package commands is the table of Redis and Valkey commands the linter,
// `redis-lua check` and the language server consult: per target server
// (redis-7.0, redis-7.2, redis-7.4, valkey-7.2, valkey-8.0, and the
// unstable branches redis-unstable and valkey-unstable), every
// command and subcommand with its arity, flags (write, readonly,
// noscript, denyoom, blocking...), key positions and key specs, argument
// grammar (tokens, types, optional and repeated arguments, one-of
// groups, blocks), the version that added it and its deprecation; and
// the globals of the server's Lua with the fields of its global tables.
//
// The state is unexported and read-only: Lookup returns a *Table whose
// accessors copy what they return, so no caller can change what another
// sees.
//
// # Where the data comes from
//
// Only from what servers say about themselves. The generator
//
//	go run ./vet/commands/gen -addr 127.0.0.1:PORT -source "where the binary came from"
//
// asks a running server INFO server (its name and version), COMMAND,
// COMMAND DOCS and the reply of GlobalsScript, and writes that target
// into tables.jsonl, recording the server binary, version and source tag
// in manifest.txt. Facts only: the servers' summaries, complexity texts,
// history notes and key-spec notes are dropped; replaced_by is kept (it
// names the replacement of a deprecated command).
//
// # Why one file
//
// The targets share most of their commands unchanged, so tables.jsonl
// holds each distinct record once: a header line lists the targets, then
// each line is one command or subcommand (or one Lua global) as some
// targets have it, with the indices of those targets ("in"). A command
// that differs between servers has one line per variant. Seven targets
// take 197 KB, about 1.5 times redis-7.0 alone (129 KB); one diff shows
// what a new server changed. Targets reads the first line alone; the
// records are decoded at the first Lookup or Where, and a target's table
// is built at its first use (5-6 ms for the default target, 8-10 ms for
// all seven: BenchmarkLoad).
//
// A target is named by its server and the major.minor of the version it
// reports (INFO server: valkey_version for Valkey, whose redis_version
// is the Redis it follows). A build of an unstable branch reports
// 255.255.255, so its target is named redis-unstable or valkey-unstable
// and manifest.txt gives the commit it was built from.
//
// FromReplies builds a table from a live server's replies instead (what
// `redis-lua check --redis URL` uses).
package commands
