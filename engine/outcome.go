package engine

import (
	"errors"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// What a Redis error reply says of whether the script ran. The reasoning
// is in doc.go ("At most once").
type verdict int

const (
	// answered: the script ran (or did not compile) and this is its error.
	answered verdict = iota
	// refused: the server refused the command before running the script.
	refused
	// ambiguous: the server could have refused the command so, and the
	// script could have answered so: the outcome is unknown.
	ambiguous
	// unverifiedNoScript: a NOSCRIPT (or "Function not found") that only
	// SCRIPT EXISTS (FUNCTION LIST) can tell from the script's own answer.
	unverifiedNoScript
)

// clientKind says which refusals a client's servers can send.
type clientKind int

const (
	kindUnknown clientKind = iota // a wrapper or go-redis's auto-pipeliner: anything is possible
	kindSingle                    // a Client (also a failover client): one server at a time
	kindRing                      // a Ring: sharded single servers
	kindCluster                   // a ClusterClient
)

func kindOf(c redis.UniversalClient) clientKind {
	switch c.(type) {
	case *redis.ClusterClient:
		return kindCluster
	case *redis.Ring:
		return kindRing
	case *redis.Client:
		return kindSingle
	}
	return kindUnknown
}

// redis7Suffix is what Redis 7 appends to an error raised inside a script
// (by a failing redis.call or by error()): " script: <sha>, on
// @user_script:<line>." A reply that carries it comes from inside.
var redis7Suffix = regexp.MustCompile(` script: [0-9a-f]{40}, on @user_script:\d+| script: [A-Za-z0-9_]+, on @user_function:\d+`)

// judge says what a Redis error reply to call c proves. It never takes
// the reply's text alone as proof that the script did not run: any
// script can answer any error text, from its own code (redis.error_reply,
// an {err=...} table) or from data (cjson.decode or cmsgpack.unpack of a
// stored document that holds an err field). A reply is a refusal
// (resendable) only when the server could have sent it before running
// the script on this kind of client and its content names what only a
// refusal of this call names (MOVED and ASK: the call's own slot); a
// NOSCRIPT or "Function not found" needs the server's word after the
// reply (unverifiedNoScript); any other possible refusal leaves the
// outcome unknown.
func (c *Call) judge(err error) verdict {
	var re redis.Error
	if err == nil || !errors.As(err, &re) {
		return answered
	}
	msg := err.Error()
	if redis7Suffix.MatchString(msg) {
		return answered // raised inside the script
	}
	code, rest, _ := strings.Cut(msg, " ")
	kind := c.prep.engine.kind
	clusterish := kind == kindCluster || kind == kindUnknown
	if c.marker.fcall && strings.HasPrefix(msg, "ERR Function not found") {
		// FCALL of a function the server lacks is refused before
		// anything ran, but the script could say the same: FUNCTION
		// LIST decides.
		return unverifiedNoScript
	}
	switch code {
	case "NOSCRIPT":
		// Only EVALSHA of a script the server lacks; in EVAL it is the
		// script's own.
		if !c.sendsSHA() {
			return answered
		}
		return unverifiedNoScript
	case "MOVED", "ASK":
		// A cluster redirects a call by its first key's slot, before
		// running it; the slot is the proof, whatever the script.
		if !clusterish || len(c.Script().Keys()) == 0 {
			return answered
		}
		f := strings.Fields(rest)
		slot, perr := strconv.Atoi(strings.TrimSpace(firstOr(f)))
		if len(f) != 2 || perr != nil || slot != Slot(keyText(c.cmd.Args()[3])) {
			return answered
		}
		if _, _, aerr := net.SplitHostPort(f[1]); aerr != nil {
			return answered
		}
		return refused
	case "CROSSSLOT":
		// A cluster refuses a call whose keys lie in several slots before
		// running it; the keys are the proof. From a single server or a
		// ring, the script's.
		if !clusterish {
			return answered
		}
		if c.keysSpanSlots() {
			return refused
		}
		return ambiguous
	case "TRYAGAIN", "CLUSTERDOWN":
		// Cluster refusals; from a single server or a ring, the script's.
		if !clusterish {
			return answered
		}
		return ambiguous
	case "READONLY", "OOM", "NOREPLICAS", "MISCONF":
		// Redis 7 refuses a script before running it for these only when
		// its shebang flags let it write (or not run out of memory);
		// scripts without flags, and Redis 5 and 6, meet them inside.
		if !c.variant().flagged {
			return answered
		}
		return ambiguous
	case "LOADING", "BUSY", "MASTERDOWN", "NOAUTH", "NOPERM":
		return ambiguous
	}
	if strings.HasPrefix(msg, "ERR max number of clients reached") {
		return ambiguous
	}
	return answered
}

// keysSpanSlots reports whether the call's keys hash to more than one
// slot: a call no cluster node runs.
func (c *Call) keysSpanSlots() bool {
	keys := c.cmd.Args()[3 : 3+len(c.Script().Keys())]
	for _, k := range keys {
		if Slot(keyText(k)) != Slot(keyText(keys[0])) {
			return true
		}
	}
	return false
}

func firstOr(f []string) string {
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// resendable reports whether the last error of an attempt allows the
// call to be written again: a refusal proven by judge, or an error that
// proves the request never left.
func (c *Call) resendable(err error) bool {
	if neverSent(err) {
		return true
	}
	return c.judge(err) == refused
}

// neverSent reports errors that go-redis returns before writing a
// request: a closed client, no connection from the pool in time, a
// connection that could not be dialed.
func neverSent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, redis.ErrClosed) || errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
