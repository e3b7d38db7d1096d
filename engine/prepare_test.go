package engine

import (
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/resolve"
)

// TestPrepareHoldsTheBodyOnce: a prepared script does not hold its body
// twice until a call sends it by EVAL; then once, shared by every call.
func TestPrepareHoldsTheBodyOnce(t *testing.T) {
	s, err := resolve.New(nil).Parse("big", "return 1 -- "+strings.Repeat("x", 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	defer c.Close()
	p := New(c).prepare(s)
	if p.v[0].body.bytes != nil {
		t.Error("the body's bytes were made before any EVAL")
	}
	if string(p.v[0].sha) != s.SHA1() || p.v[0].text != s.Source() {
		t.Error("the prepared SHA1 or text is not the script's")
	}
	b := p.v[0].body.get()
	if string(b) != s.Source() || &p.v[0].body.get()[0] != &b[0] {
		t.Error("the body's bytes are not the source's, made once")
	}
}
