// Package engine runs loaded scripts (see the resolve module) on go-redis
// clients, pipelines and transactions, with named typed values, typed
// results, and Redis errors turned into tracebacks that point at the real
// file and line.
//
//	loader := resolve.New(os.DirFS("lua"))
//	script, err := loader.Load("create_foo")
//	...
//	e := engine.New(rdb) // a *redis.Client, ClusterClient, Ring, failover client, AutoPipeliner...
//	foo, err := e.Run(ctx, script, map[string]any{"size": 5, "members": members}).Result()
//
// It supports go-redis v9.22.0 (the version its go.mod requires) to
// v9.23.0 (the newest it is tested with).
//
// # Guarantees
//
// EVALSHA first, and NOSCRIPT never reaches the caller: not after SCRIPT
// FLUSH, not in a pipeline, not inside MULTI/EXEC, not on a cluster node
// that has never seen the script, with one exception that at most once
// demands: a NOSCRIPT whose script the server has again by the time the
// engine asks (SCRIPT EXISTS) could be the script's own answer, and is an
// outcome unknown (see "At most once", 3). Calls refused together prove
// each other, and the engine waits two round trips before sending the
// first of them again, so that the others ask before it reloads the
// script; the figures under SCRIPT FLUSH storms are in BENCHMARKS.md
// (TestHardeningFlushStorm, TestConcurrentCalls, TestAutoPipeliner).
//
// The body is sent only when the server lacks the script, and then with
// SCRIPT LOAD, so that it stays loaded: Redis 7.4 and Valkey 8.1 keep
// scripts sent with EVAL in a 500-entry cache that evicts the least
// recently used, never those loaded with SCRIPT LOAD. How each mode
// recovers from NOSCRIPT:
//
//	mode                                   recovery
//	Run, pipeline on a single server       SCRIPT LOAD and EVALSHA again, in one pipeline
//	  (Client, failover client)
//	Run, pipeline on a cluster or ring     SCRIPT LOAD on the node that answered, then EVALSHA again
//	MULTI/EXEC on a single server          SCRIPT LOAD queued after MULTI: no NOSCRIPT possible
//	MULTI/EXEC on a cluster or ring        EVAL inside the transaction (a keyless SCRIPT LOAD could
//	                                       reach another node; a NOSCRIPT inside EXEC would break it)
//	keyless calls on a cluster or ring     EVAL always (the node is any)
//	go-redis's auto-pipeliner              its SCRIPT LOAD (the client it wraps: every node of a
//	                                       cluster), then EVALSHA again
//	another client of unknown kind         EVAL again (its SCRIPT LOAD could reach another server)
//
// On a Redis Cluster the keys of a call must hash to one slot; a call
// whose keys do not is refused before sending, with a *CrossSlotError
// naming the keys and their slots.
//
// # At most once
//
// A call never executes twice, and a call reported ErrNotExecuted
// executed no command of its script: on every client kind, in every mode
// (Run, pipeline, MULTI/EXEC), whatever the client's MaxRetries. The
// reasoning:
//
// 1. go-redis never resends a call on its own judgement. A call's command
// says NoRetry, which turns off go-redis's retries after network errors,
// timeouts and the error replies it deems transient (LOADING, TRYAGAIN,
// READONLY...), for single commands and for whole pipelines. What go-redis
// still resends regardless — a cluster's MOVED, ASK and READONLY, a
// closed node — meets the marker: the SHA1 (or body) argument is a value
// go-redis must ask for its bytes each time it writes the request. The
// marker counts the outcomes go-redis sets on the command (SetErr): within
// one attempt it answers as often as it is asked (the auto-pipeliner asks
// once to size its batches and again to write), and after an attempt ended
// it answers only if that attempt's outcome proves the script did not
// run. Otherwise the write fails, nothing is sent, and the call's outcome
// is the attempt's: the marker keeps it.
//
// 2. A reply proves that the script did not start only if the server could
// have sent it before running the script. A script can answer any error
// text it likes (redis.error_reply, an {err=...} table), and Redis 7 keeps
// the code of an error raised inside a script (READONLY, OOM...) while
// appending " script: <sha>, on @user_script:<n>." — such a reply is the
// script's, always. For the others the engine asks which refusals are
// possible at all:
//
//   - NOSCRIPT: only to EVALSHA (to EVAL it is the script's own);
//   - MOVED, ASK, TRYAGAIN, CLUSTERDOWN, CROSSSLOT: only from a cluster
//     (a Client, a failover client or a Ring never sends them);
//   - READONLY, OOM, NOREPLICAS, MISCONF: only for a script with Redis 7
//     flags (a #! first line); scripts without flags, and every script on
//     Redis 5 and 6, start and meet these inside, where Redis 7 adds its
//     suffix and Redis 5 and 6 report "Error running script";
//   - LOADING, BUSY, MASTERDOWN, NOAUTH, NOPERM, "max number of clients":
//     from any server.
//
// 3. A possible refusal still proves nothing by its text: any script
// can answer any error text, from its code (redis.error_reply, an
// {err=...} table, pcall's error tables) or from its data (cjson.decode
// or cmsgpack.unpack of a stored document holding an err field), and no
// reading of the script's text can tell which scripts will. So the
// engine resends a call only on the server's word or on the call's own
// facts: for NOSCRIPT, SCRIPT EXISTS asked after the reply of the node
// that answered (0: it lacks the script, so it cannot have run it); for
// "Function not found", FUNCTION LIST of that node (no library of the
// engine: nothing ran); for MOVED and ASK, which go-redis follows
// itself, the slot named must be the call's own and the address well
// formed; for CROSSSLOT, the call's keys must lie in several slots (no
// cluster node runs such a call). On a cluster or ring, a hook on each
// node's client notes which node answered; for a node made before the
// engine could hook it, every master (shard) must lack the script.
// Every other possible refusal leaves the outcome unknown, carrying the
// reply. A call proven refused is sent again once (after SCRIPT LOAD or
// FUNCTION LOAD; as EVAL on a client of unknown kind); refused again,
// it is not sent a third time: ErrNotExecuted. (The residue: a script answering a redirection that
// names exactly its own slot; a script flushed from the node, or a
// failover client's master replaced, between the reply and the
// question; through go-redis's auto-pipeliner over a cluster, whose
// SCRIPT EXISTS answers for all nodes at once, a NOSCRIPT is taken as
// proven when any node lacks the script.)
//
// 4. A failed call that was never written (go-redis refused it, no
// connection could be had, or the dial failed) did not run. A call
// written whose reply was lost may have run: outcome unknown.
//
// # Outcomes
//
// Every error of a call falls in exactly one class:
//
//   - not executed: errors.Is(err, ErrNotExecuted). No command of the
//     script ran; retrying is safe. *ArgsError, *CrossSlotError, a
//     *CallError with Outcome ErrNotExecuted, and a *ScriptError for a
//     script that did not compile (retrying will not help).
//   - outcome unknown: errors.Is(err, ErrOutcomeUnknown), a *CallError
//     carrying the last error or reply (errors.As finds a redis.Error when
//     it was a reply). The script may have run; only the caller can
//     decide (read the data, or make the script idempotent).
//   - executed with an error: neither of the above. The script ran and
//     failed: a *ScriptError (a Lua error or a failing redis.call, with its
//     traceback), or the script's own redis.error_reply, returned unchanged
//     (a redis.Error whose text is the script's).
//
// What the conditions tried against real servers give (TestReplicaReadOnly,
// TestOverMaxmemory, TestScriptsOwnErrorReply, TestClusterScriptsOwnRedirect,
// TestRingTransactionAfterFlush, TestTransactionNotRun,
// TestUnwritableValueInPipeline, TestNoPanic, TestAutoPipeliner,
// TestClusterMigration, TestHardeningFaults, TestEnginesShareClient,
// TestResendOnce):
//
//	condition                                        runs  class
//	a read-only replica; the script PUBLISHes, then  once  executed: *ScriptError (READONLY ... script: ..., line of the write)
//	  writes
//	a server over maxmemory; the same script         once  executed: *ScriptError (OOM ... script: ...)
//	the script INCRs, then error_reply TRYAGAIN,     once  executed: the reply unchanged (a single server or a ring
//	  CLUSTERDOWN, MOVED, ASK, READONLY, OOM,              never sends these for a script without flags)
//	  NOREPLICAS, MYERR...
//	... error_reply LOADING, BUSY, MASTERDOWN        once  outcome unknown, carrying the reply (the server could
//	                                                       have sent it; the script could have written it)
//	... error_reply NOSCRIPT (any text)              once  outcome unknown, carrying the reply (SCRIPT EXISTS: the
//	                                                       server has the script, so the NOSCRIPT was not a refusal)
//	the same replies read from stored data (cjson,   once  the same classes: the text of the script plays no part
//	  cmsgpack of {err = ...}), no error in the text
//	  FCALL refused, the library flushed again       ≤once not executed (*CallError carrying "Function not found")
//	  between FUNCTION LOAD and the one resend
//	on a cluster, error_reply MOVED/ASK naming       once  executed: the reply unchanged (not the call's slot)
//	  another slot and node
//	on a cluster, error_reply TRYAGAIN, CLUSTERDOWN  once  outcome unknown, carrying the reply
//	a real MOVED/ASK (a slot migrating), a real      once  success: go-redis follows it, the marker lets it through
//	  NOSCRIPT (after SCRIPT FLUSH, a new node)
//	a Ring of 3 shards, MULTI/EXEC after SCRIPT      once  success (EVAL inside the transaction)
//	  FLUSH
//	a WATCH-aborted transaction; EXECABORT           never not executed (*CallError carrying TxFailedErr/EXECABORT)
//	a cluster transaction across slots               never not executed (go-redis's CROSSSLOT; nothing was written)
//	an untyped argument go-redis cannot write        never not executed: *ArgsError before sending; the other
//	  ([]int, a map, a struct)                             calls of the pipeline run
//	a struct of values embedding a nil pointer,      never not executed: an error saying what is missing
//	  a nil script, pipeliner, context or client,
//	  a zero Call
//	go-redis's auto-pipeliner, 64 goroutines,        once  success
//	  through SCRIPT FLUSH
//	a dropped connection before the request          never not executed
//	a dropped connection after the request, a        ≤once outcome unknown (never resent)
//	  lost reply, a timeout
//
// # Redis 7 script flags
//
// A script whose first line is Redis 7's "#!lua flags=..." runs as its
// flags say: no-writes with EVALSHA_RO and EVAL_RO (read-only commands,
// which a ClusterClient with ReadOnly or RouteByLatency, and a client of
// a replica, send to replicas), allow-cross-slot-keys without the
// engine's check of the declared keys' slots (the server checks them).
// Whether the server knows the #! line is asked once per engine, with a
// script that writes nothing ("#!lua flags=no-writes" returning 1): a
// server that refuses it (Redis before 7, miniredis) gets every flagged
// script with the line blanked, another SHA1, and the plain commands. A
// flagged script can be refused for READONLY, OOM, NOREPLICAS or MISCONF
// before it runs, but such a reply could also be its own: outcome
// unknown, carrying the reply (see judge).
//
// # Functions
//
// NewLibrary makes scripts one Redis 7 function library; an engine
// WithFunctions(lib) runs those scripts through FCALL (FCALL_RO for
// no-writes). "Function not found" is a refusal only when FUNCTION LIST
// says the server lacks the library; then the library is loaded (every
// master of a cluster) and the call sent again, once: after the pipeline
// for calls queued in one. Several engines of one client, with different
// libraries or none, share the client's pipeline hook: each call is
// served through its own engine. A transaction (MULTI/EXEC) runs its calls as scripts (EVALSHA,
// loaded inside the transaction), not functions.
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
// The redistest module starts real redis-server instances, replicas, a
// three-master cluster and a fault proxy for tests.
package engine
