package engine

import (
	"crypto/sha1"
	"encoding/hex"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/resolve"
)

// Engine runs scripts on one go-redis client: a Client, ClusterClient,
// Ring, failover client or AutoPipeliner, and the pipelines and
// transactions made from it. It is safe for concurrent use. Make one per
// client.
//
// What it guarantees (the package documentation gives the reasoning):
//
//   - EVALSHA first; the body goes over the wire only when the server
//     lacks the script, with SCRIPT LOAD (never evicted by Redis 7.4 and
//     Valkey 8.1). NOSCRIPT never reaches the caller: after SCRIPT FLUSH,
//     on a cluster node that has never seen the script, in a pipeline
//     (calls proven refused with NOSCRIPT are sent again after the
//     pipeline) and in MULTI/EXEC (the transaction loads its scripts
//     itself, or uses EVAL); but as an outcome unknown when SCRIPT
//     EXISTS, asked after the reply, finds the script loaded again (the
//     NOSCRIPT could have been the script's own answer).
//   - At most once: a call is never executed twice, whatever the client's
//     MaxRetries, and ErrNotExecuted means that no command of the script
//     ran. go-redis does not retry a call; it may resend one only after a
//     reply that proves the script did not start.
//   - On a cluster, the keys of a call must hash to one slot: checked
//     before sending (CrossSlotError).
type Engine struct {
	client  redis.UniversalClient
	kind    clientKind
	scripts sync.Map // *resolve.Script → *prepared
	last    atomic.Pointer[prepared]
	// shebang is whether the server runs scripts with Redis 7's #! flags
	// line: 0 not known yet, 1 yes, 2 no (Redis before 7, miniredis).
	shebang atomic.Int32
	lib     *Library // WithFunctions: Run calls its scripts through FCALL
	// nodesHooked: the nodes the cluster or ring client had when the
	// engine first ran a call have a nodeHook (see hookNodes).
	nodesHooked atomic.Bool
	absent      absences // when SCRIPT EXISTS found a script missing (see provenNoScript)
}

// Option configures an Engine.
type Option func(*Engine)

// WithFunctions makes Run call the scripts of lib through FCALL
// (FCALL_RO for no-writes scripts) instead of EVALSHA. A server that
// lacks the library gets it (FUNCTION LOAD, every master of a cluster)
// when a call is answered "Function not found" and FUNCTION LIST then
// proves the library missing (nothing ran), and the call is sent again,
// once: at most once, as with NOSCRIPT. Errors map back through the
// library to the script's traceback. Scripts not in lib, and calls
// queued in transactions (MULTI/EXEC), go through EVALSHA as without the
// option.
func WithFunctions(lib *Library) Option { return func(e *Engine) { e.lib = lib } }

// prepared is what every call of a script shares.
type prepared struct {
	engine *Engine
	script *resolve.Script
	// v[0] is the script as rendered; v[1] what is sent to a server
	// without script flags: the #! line blanked (so another SHA1), the
	// plain commands. They are one for a script without a #! line.
	v         [2]variant
	flagged   bool   // it starts with Redis 7's #! line
	crossSlot bool   // its flags allow keys in several slots
	fn        []byte // its function in the engine's library, if any
}

// variant is a form of a script that a call sends.
type variant struct {
	sha     []byte    // the SHA1 in hex, made once: go-redis copies an argument's bytes into its buffer
	body    *bodyText // the body, and its bytes for EVAL
	text    string    // the body (SCRIPT LOAD takes it without a copy)
	ro      bool      // flags=no-writes: EVALSHA_RO, EVAL_RO
	flagged bool      // the body starts with the #! line
}

// bodyText is a script's body as the bytes EVAL sends, made from its text
// the first time a call sends it: most scripts never go by EVAL, and so
// are not held twice.
type bodyText struct {
	once  sync.Once
	text  string
	bytes []byte
}

func newBody(text string) *bodyText { return &bodyText{text: text} }

// get returns the body's bytes, shared by every call (never written).
func (b *bodyText) get() []byte {
	b.once.Do(func() { b.bytes = []byte(b.text) })
	return b.bytes
}

// hooked records the clients that have the engine's pipeline hook, by
// hookKey: go-redis's own client kinds weakly (an entry goes when its
// client is collected: a program that makes clients by the thousand does
// not keep them all), others as themselves.
var hooked sync.Map // hookKey → struct{}

// hookKey is the key of client in hooked: a weak pointer for go-redis's
// client kinds (a weak pointer to a collected client never equals one to
// a new client at the same address), with a cleanup that deletes the
// entry; the client itself for other implementations, whose identity
// cannot be taken weakly through the interface.
func hookKey(client redis.UniversalClient) (key any, cleanup func()) {
	switch c := client.(type) {
	case *redis.Client:
		return weakKey(c)
	case *redis.ClusterClient:
		return weakKey(c)
	case *redis.Ring:
		return weakKey(c)
	case *redis.AutoPipeliner:
		return weakKey(c)
	}
	return client, func() {}
}

// weakKey is a weak pointer to p, and what deletes its entry of hooked
// once p is collected.
func weakKey[T any](p *T) (any, func()) {
	k := weak.Make(p)
	return k, func() { runtime.AddCleanup(p, func(k weak.Pointer[T]) { hooked.Delete(k) }, k) }
}

// New returns an engine of client. The first engine of a client adds a
// hook to it that keeps NOSCRIPT out of its pipelines and transactions;
// the hook touches only engine calls, of any engine of that client.
// Engines are cheap, but one per client, shared, is the intended use.
// Calls of an engine of a nil client fail with ErrNotExecuted.
func New(client redis.UniversalClient, opts ...Option) *Engine {
	e := &Engine{client: client, kind: kindOf(client)}
	for _, o := range opts {
		o(e)
	}
	if client == nil {
		return e
	}
	key, cleanup := hookKey(client)
	if _, loaded := hooked.LoadOrStore(key, struct{}{}); !loaded {
		cleanup()
		client.AddHook(pipelineHook{client: client, kind: e.kind})
		switch cl := client.(type) {
		case *redis.ClusterClient:
			cl.OnNewNode(hookNode)
		case *redis.Ring:
			cl.OnNewNode(hookNode)
		}
	}
	if e.kind != kindCluster && e.kind != kindRing {
		e.nodesHooked.Store(true) // one server: no node to note
	}
	return e
}

// Client returns the engine's client.
func (e *Engine) Client() redis.UniversalClient { return e.client }

func (e *Engine) prepare(s *resolve.Script) *prepared {
	if last := e.last.Load(); last != nil && last.script == s {
		return last
	}
	p, ok := e.scripts.Load(s)
	if !ok {
		src := s.Source()
		np := &prepared{engine: e, script: s, flagged: strings.HasPrefix(src, "#!")}
		np.v[0] = variant{sha: []byte(s.SHA1()), body: newBody(src), text: src, flagged: np.flagged}
		np.v[1] = np.v[0]
		if np.flagged {
			for _, f := range s.Flags() {
				np.v[0].ro = np.v[0].ro || f == "no-writes"
				np.crossSlot = np.crossSlot || f == "allow-cross-slot-keys"
			}
			// Blank the #! line, keeping the line numbers.
			plain := src[strings.IndexByte(src+"\n", '\n'):]
			sum := sha1.Sum([]byte(plain))
			np.v[1] = variant{sha: []byte(hex.EncodeToString(sum[:])), body: newBody(plain), text: plain}
		}
		if e.lib != nil {
			if fn, ok := e.lib.Functions[s.Name()]; ok && e.lib.funcs[fn].script == s {
				np.fn = []byte(fn)
			}
		}
		p, _ = e.scripts.LoadOrStore(s, np)
	}
	e.last.Store(p.(*prepared))
	return p.(*prepared)
}

// The accessors below read the reply as go-redis's Cmd accessors do for
// a script without %return; with one, through the declared type (Scan):
// a %return list script's Slice is its decoded JSON array.
