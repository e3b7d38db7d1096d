// Package engine runs loaded scripts (see the resolve module) on go-redis
// clients, pipelines and transactions, with named typed values, typed
// results, and Redis errors turned into tracebacks that point at the real
// file and line.
//
//	loader := resolve.New(os.DirFS("lua"))
//	script, err := loader.Load("create_foo")
//	...
//	e := engine.New(rdb) // a *redis.Client, ClusterClient, Ring...
//	foo, err := e.Run(ctx, script, map[string]any{"size": 5, "members": members}).Result()
//
// # Guarantees
//
// EVALSHA first, and NOSCRIPT never reaches the caller: not after SCRIPT
// FLUSH, not in a pipeline, not inside MULTI/EXEC, not on a cluster node
// that has never seen the script. The body is sent only when the server
// lacks the script, except in transactions, which load their scripts
// themselves (once per transaction and script) so that NOSCRIPT cannot
// break their atomicity; on a cluster, transactions use EVAL.
//
// At most once. go-redis resends a command after a network error or a
// read timeout (MaxRetries, 3 by default; see its shouldRetry): for a
// script whose reply was lost after the server ran it, that runs the
// script twice (TestGoRedisRetryRunsTwice shows it). The engine puts a
// marker among the command's arguments that go-redis must serialise each
// time it writes the request; a second write is refused unless the
// server's last reply proved the command did not run (NOSCRIPT, MOVED,
// ASK, TRYAGAIN, CLUSTERDOWN, LOADING, READONLY, BUSY, ...). This holds
// whatever the client's retry settings, in pipelines too. Every failed
// call then says which outcome it had:
//
//   - errors.Is(err, ErrNotExecuted): it did not run; retrying is safe;
//   - errors.Is(err, ErrOutcomeUnknown): it may have run; only the
//     caller can decide (a read of the data, an idempotent script);
//   - a *ScriptError: it ran (or failed to compile) and raised an error.
//
// On a Redis Cluster the keys of a call must hash to one slot; a call
// whose keys do not is refused before sending, with a *CrossSlotError
// naming the keys and their slots.
//
// # Errors
//
// Values that do not fit the script are an *ArgsError listing unknown
// names (with suggestions), missing names and encoding errors together,
// before anything is sent. Redis errors from the script become a
// *ScriptError: Error() is one line at the real file and line, %+v (or
// Traceback) gives the traceback through includes; the go-redis error
// stays reachable with errors.As. A reply from redis.error_reply has no
// line and comes back unchanged. The parser reads the formats of Redis 7,
// Redis 5/6 (with and without strict mode) and miniredis.
//
// The redistest package starts real redis-server instances, a three-master
// cluster and a fault proxy for tests.
package engine
