// Package luadebug runs a redislua script under Redis's Lua debugger
// (SCRIPT DEBUG, the LDB of redis-cli --ldb) with every line, breakpoint
// and step in the user's files ("lib/util.lua:4"), not in the one
// rendered script Redis sees.
//
// A session has a connection of its own, spoken in RESP by this package
// rather than through go-redis: under SCRIPT DEBUG an EVAL answers more
// than once (the debugger's log after each command, then the script's
// reply after "<endsession>"), and the server closes the connection at
// the end, which a pooled client cannot carry. Debugger commands go as
// RESP arrays.
//
// Breakpoints and list positions are translated to rendered lines with
// the resolve package's source map (a line of a file included twice is
// two rendered lines, both set); the debugger's answers are translated
// back: the line it stopped at, source listings (shown as written in
// the user's file, directives included), and "user_script:N" in
// messages. The script's reply is decoded by its %return type, and an
// error it raised becomes the engine's *engine.ScriptError, with the
// traceback through includes.
//
// The session runs forked by default (SCRIPT DEBUG YES: the server
// forks, the script's writes are dropped at the end, and the server
// serves other clients meanwhile); Sync (SCRIPT DEBUG SYNC) keeps the
// writes and blocks the server while the session lasts. Close aborts a
// script still stopped, so that the server is never left in a session;
// if the connection is lost instead, Redis ends the session itself
// (forked: the child exits; sync: the script is stopped when it next
// passes its busy-reply-threshold).
//
// Redis's debugger has no step over: next steps until the script is back
// at the depth of calls it was at (from the debugger's trace), a
// breakpoint stops it, or it ends, showing what the called functions
// sent to Redis.
//
// It needs a real Redis (or Valkey) server: miniredis has no debugger.
package luadebug
