package luadebug

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// conn is a raw RESP2 connection of its own: a debugging session ends
// with the server closing it, and an EVAL under the debugger answers
// more than once, which no pooled client carries.
type conn struct {
	nc net.Conn
	r  *bufio.Reader
}

// ServerError is an error reply of the server.
type ServerError string

func (e ServerError) Error() string { return string(e) }

// RedisError marks it as a reply of the server, as go-redis's errors
// are (engine.TranslateError reads script errors from such replies).
func (ServerError) RedisError() {}

// dial connects to the server of opt (its address, TLS, user and
// password, database) with the dial timeout of opt or 5 s.
func dial(ctx context.Context, opt *redis.Options) (*conn, error) {
	timeout := opt.DialTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	network := opt.Network
	if network == "" {
		network = "tcp"
	}
	var nc net.Conn
	var err error
	if opt.Dialer != nil {
		nc, err = opt.Dialer(ctx, network, opt.Addr)
	} else if opt.TLSConfig != nil {
		d := &tls.Dialer{Config: opt.TLSConfig}
		nc, err = d.DialContext(ctx, network, opt.Addr)
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, network, opt.Addr)
	}
	if err != nil {
		return nil, err
	}
	c := &conn{nc: nc, r: bufio.NewReader(nc)}
	deadline, _ := ctx.Deadline()
	if opt.Password != "" {
		args := []string{"AUTH", opt.Password}
		if opt.Username != "" {
			args = []string{"AUTH", opt.Username, opt.Password}
		}
		if _, err := c.do(deadline, args...); err != nil {
			c.close()
			return nil, fmt.Errorf("AUTH: %w", err)
		}
	}
	if opt.DB != 0 {
		if _, err := c.do(deadline, "SELECT", strconv.Itoa(opt.DB)); err != nil {
			c.close()
			return nil, fmt.Errorf("SELECT %d: %w", opt.DB, err)
		}
	}
	return c, nil
}

// do sends a command and reads its reply; an error reply is a
// ServerError.
func (c *conn) do(deadline time.Time, args ...string) (any, error) {
	if err := c.send(args...); err != nil {
		return nil, err
	}
	v, err := c.read(deadline)
	if err != nil {
		return nil, err
	}
	if e, ok := v.(ServerError); ok {
		return nil, e
	}
	return v, nil
}

// send writes a command as a RESP array of bulk strings.
func (c *conn) send(args ...string) error {
	b := make([]byte, 0, 64)
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, "\r\n"...)
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, "\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	_, err := c.nc.Write(b)
	return err
}

// read reads one reply by the deadline (none when zero): a string for
// simple and bulk strings, int64, nil, []any, or a ServerError.
func (c *conn) read(deadline time.Time) (any, error) {
	if err := c.nc.SetReadDeadline(deadline); err != nil {
		return nil, err
	}
	return c.reply(0)
}

// maxDepth and maxLen bound what a reply may claim, so that a broken
// or hostile peer cannot make the reader nest or allocate without end.
const (
	maxDepth = 64
	maxLen   = 512 << 20
)

func (c *conn) reply(depth int) (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		if errors.Is(err, io.EOF) && line == "" {
			return nil, io.EOF
		}
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("malformed reply %q", line)
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return body, nil
	case '-':
		return ServerError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n > maxLen {
			return nil, fmt.Errorf("malformed bulk length %q", body)
		}
		if n < 0 {
			return nil, nil
		}
		// Grown as the bytes come: a length the peer claims but does
		// not send costs nothing.
		var b strings.Builder
		b.Grow(min(n, 64<<10))
		if _, err := io.CopyN(&b, c.r, int64(n)); err != nil {
			return nil, err
		}
		var end [2]byte
		if _, err := io.ReadFull(c.r, end[:]); err != nil || end != [2]byte{'\r', '\n'} {
			return nil, fmt.Errorf("malformed bulk string end")
		}
		return b.String(), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n > maxLen || depth >= maxDepth {
			return nil, fmt.Errorf("malformed array length %q", body)
		}
		if n < 0 {
			return nil, nil
		}
		out := make([]any, 0, min(n, 1024))
		for range n {
			v, err := c.reply(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("malformed reply %q", line)
}

func (c *conn) close() error { return c.nc.Close() }
