package engine

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/resolve"
)

// TestPrepareSharesSource checks that the engine sends a script's SHA1
// and source from the script's own bytes: a big script is not held twice.
func TestPrepareSharesSource(t *testing.T) {
	s, err := resolve.New(nil).Parse("big", "return 1 -- "+strings.Repeat("x", 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	defer c.Close()
	p := New(c).prepare(s)
	if unsafe.SliceData(p.v[0].body) != unsafe.StringData(s.Source()) || string(p.v[0].body) != s.Source() {
		t.Error("the prepared body is a copy of the source")
	}
	if unsafe.SliceData(p.v[0].sha) != unsafe.StringData(s.SHA1()) || string(p.v[0].sha) != s.SHA1() {
		t.Error("the prepared SHA1 is a copy")
	}
}
