package redistest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Fault is what the proxy does with one request.
type Fault int

// The faults.
const (
	// Pass forwards the request and its reply.
	Pass Fault = iota
	// DropBeforeSend closes the connection instead of forwarding the
	// request: the server never sees it.
	DropBeforeSend
	// DropAfterSend forwards the request, waits for the server's reply
	// (so the server has run it) and closes the connection instead of
	// forwarding the reply.
	DropAfterSend
	// DropMidReply forwards the first half of the reply, then closes.
	DropMidReply
)

// Proxy is a loopback TCP proxy in front of a Redis that injects faults.
// Each chunk of bytes the client writes (a request, or a pipeline of
// them) asks the fault function what to do with it.
type Proxy struct {
	Addr   string
	target string
	ln     net.Listener
	fault  atomic.Pointer[func(request []byte) Fault]
	wg     sync.WaitGroup
}

// NewProxy starts a proxy to target (host:port), closed when the test
// ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln}
	p.SetFault(nil)
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

// SetFault sets the function that decides the fault of each request (it
// sees the request's bytes); nil passes everything. It may be called
// from several connections at once.
func (p *Proxy) SetFault(f func(request []byte) Fault) {
	if f == nil {
		f = func([]byte) Fault { return Pass }
	}
	p.fault.Store(&f)
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.wg.Add(1)
		go p.serve(c, s)
	}
}

// serve forwards between client c and server s until a fault or a close.
func (p *Proxy) serve(c, s net.Conn) {
	defer p.wg.Done()
	var (
		mu      sync.Mutex
		pending Fault // the fault waiting for the reply
	)
	closeBoth := func() {
		c.Close()
		s.Close()
	}
	done := make(chan struct{})
	go func() { // server → client
		defer close(done)
		buf := make([]byte, 64<<10)
		for {
			n, err := s.Read(buf)
			if n > 0 {
				mu.Lock()
				f := pending
				pending = Pass
				mu.Unlock()
				switch f {
				case DropAfterSend:
					closeBoth()
					return
				case DropMidReply:
					c.Write(buf[:n/2])
					closeBoth()
					return
				}
				if _, err := c.Write(buf[:n]); err != nil {
					closeBoth()
					return
				}
			}
			if err != nil {
				closeBoth()
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			f := (*p.fault.Load())(buf[:n])
			if f == DropBeforeSend {
				closeBoth()
				break
			}
			mu.Lock()
			pending = f
			mu.Unlock()
			if _, err := s.Write(buf[:n]); err != nil {
				closeBoth()
				break
			}
		}
		if err != nil {
			closeBoth()
			break
		}
	}
	<-done
}
