package conformance

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
)

// maxClients is how many Redis clients the built-in runner keeps open.
const maxClients = 16

// clients are the built-in runner's Redis clients, one per server (see
// serverKey: URLs spelt differently share one), at most max open. When
// another is needed, the least recently used one that no request is
// using is closed; when every one is in use, the request waits for one
// to be released. The zero value is ready, with maxClients.
type clients struct {
	mu      sync.Mutex
	max     int
	open    map[string]*client // by serverKey
	tick    uint64             // counts uses, for client.used
	changed chan struct{}      // closed, and replaced, when a client is released or closed
}

// client is one Redis client of clients and its engine.
type client struct {
	key    string
	engine *engine.Engine
	users  int    // requests running on it
	used   uint64 // tick of its last acquire
	// closeWhenDone: the client left open (Close was called while a
	// request used it): the last user's release closes it.
	closeWhenDone bool
}

// acquire returns the client of key (serverKey), opening one with open
// when there is none, for one request, which releases it when done. It
// waits while all max clients are in use, until ctx ends.
func (cs *clients) acquire(ctx context.Context, key string, open func() redis.UniversalClient) (*client, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.open == nil {
		cs.open = map[string]*client{}
	}
	if cs.max <= 0 {
		cs.max = maxClients
	}
	for {
		cs.tick++
		if c, ok := cs.open[key]; ok {
			c.users++
			c.used = cs.tick
			return c, nil
		}
		if len(cs.open) < cs.max {
			c := &client{key: key, engine: engine.New(open()), users: 1, used: cs.tick}
			cs.open[key] = c
			return c, nil
		}
		var lru *client
		for _, c := range cs.open {
			if c.users == 0 && (lru == nil || c.used < lru.used) {
				lru = c
			}
		}
		if lru != nil {
			delete(cs.open, lru.key)
			lru.engine.Client().Close()
			continue
		}
		// Every client is in use: wait for a release.
		changed := cs.signal()
		cs.mu.Unlock()
		select {
		case <-changed:
			cs.mu.Lock()
		case <-ctx.Done():
			cs.mu.Lock()
			return nil, ctx.Err()
		}
	}
}

// release ends one request's use of c.
func (cs *clients) release(c *client) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c.users--
	if c.users == 0 && c.closeWhenDone {
		c.engine.Client().Close()
	}
	cs.notify()
}

// Close closes every client: at once those no request uses, the others
// when their last request releases them. The clients may be used again:
// acquire opens new ones.
func (cs *clients) Close() error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	var errs []error
	for _, c := range cs.open {
		if c.users > 0 {
			c.closeWhenDone = true
			continue
		}
		errs = append(errs, c.engine.Client().Close())
	}
	clear(cs.open)
	cs.notify()
	return errors.Join(errs...)
}

// signal is the channel the next notify closes; cs.mu is held.
func (cs *clients) signal() chan struct{} {
	if cs.changed == nil {
		cs.changed = make(chan struct{})
	}
	return cs.changed
}

// notify wakes the requests waiting for a client; cs.mu is held.
func (cs *clients) notify() {
	if cs.changed != nil {
		close(cs.changed)
		cs.changed = nil
	}
}

// serverKey reads a Redis URL of PROTOCOL.md and returns the key of the
// server and options it names, and a function that opens a client of
// them. Two URLs have the same key when go-redis's parsed options are the
// same once the spelling is normalized: the scheme's case (Go's URL
// parser lowers it), the host's case, an IP address in any of its forms,
// the default port, zeros before the port, the database as a path or a
// query, %-escapes, the order of query parameters, and the order (and
// repeats) of a cluster's addresses. The key is a hash: it holds no
// credentials. Errors never quote a URL that may hold credentials.
func serverKey(rawURL string) (key string, open func() redis.UniversalClient, err error) {
	if scheme, rest, ok := strings.Cut(rawURL, "://"); ok {
		if s := strings.ToLower(scheme); s == "redis+cluster" || s == "rediss+cluster" {
			opt, err := ParseClusterURL(s + "://" + rest)
			if err != nil {
				return "", nil, err
			}
			for i, a := range opt.Addrs {
				opt.Addrs[i] = normalAddr(a)
			}
			slices.Sort(opt.Addrs)
			opt.Addrs = slices.Compact(opt.Addrs)
			if opt.TLSConfig != nil {
				opt.TLSConfig.ServerName = normalHost(opt.TLSConfig.ServerName)
			}
			return optionsKey("cluster", opt), func() redis.UniversalClient { return redis.NewClusterClient(opt) }, nil
		}
	}
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		if strings.ContainsAny(rawURL, "@?") {
			// Go's error quotes pieces of the URL: a password, maybe.
			return "", nil, errors.New("not a Redis URL (not quoted: it holds credentials)")
		}
		return "", nil, err
	}
	if opt.Network == "tcp" {
		opt.Addr = normalAddr(opt.Addr)
	}
	if opt.TLSConfig != nil {
		opt.TLSConfig.ServerName = normalHost(opt.TLSConfig.ServerName)
	}
	return optionsKey("single", opt), func() redis.UniversalClient { return redis.NewClient(opt) }, nil
}

// normalAddr is host:port with the host normalized (normalHost) and the
// port in decimal without leading zeros.
func normalAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if n, err := strconv.ParseUint(port, 10, 16); err == nil {
		port = strconv.FormatUint(n, 10)
	}
	return net.JoinHostPort(normalHost(host), port)
}

// normalHost is an IP address in its canonical form (an IPv4 address
// mapped into IPv6 as IPv4), any other host name in lower case.
func normalHost(host string) string {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().String()
	}
	return strings.ToLower(host)
}

// optionsKey hashes kind and every exported field of the options opt
// points to: strings, numbers, booleans and durations by value, the TLS
// configuration by what a URL can set in it, functions and interfaces
// (which a URL never sets) by whether they are set. Reading the fields
// instead of naming them keeps the key exact when go-redis adds options.
func optionsKey(kind string, opt any) string {
	var b strings.Builder
	b.WriteString(kind)
	writeOptions(&b, reflect.ValueOf(opt), 0)
	sum := sha256.Sum256([]byte(b.String()))
	return string(sum[:])
}

func writeOptions(b *strings.Builder, v reflect.Value, depth int) {
	if depth > 8 {
		b.WriteString("...")
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if c, ok := v.Interface().(*tls.Config); ok {
			b.WriteString("tls{" + strconv.Quote(c.ServerName) + " " + strconv.FormatBool(c.InsecureSkipVerify) + " " +
				strconv.Itoa(int(c.MinVersion)) + " " + strconv.Itoa(int(c.MaxVersion)) + "}")
			return
		}
		writeOptions(b, v.Elem(), depth+1)
	case reflect.Struct:
		b.WriteByte('{')
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				b.WriteString(f.Name + "=")
				writeOptions(b, v.Field(i), depth+1)
				b.WriteByte(';')
			}
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := range v.Len() {
			writeOptions(b, v.Index(i), depth+1)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Func, reflect.Interface, reflect.Map, reflect.Chan, reflect.UnsafePointer:
		if v.IsNil() {
			b.WriteString("nil")
		} else {
			b.WriteString("set")
		}
	default:
		b.WriteString(v.Kind().String())
	}
}
