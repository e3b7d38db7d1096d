package engine_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/redistest"
)

type binary struct{}

func (binary) MarshalBinary() ([]byte, error) { return []byte("bin"), nil }

// TestArgTextIsWhatGoRedisSends: codec.ArgText, which code sending a
// call's arguments itself uses (redis-lua debug), is the text go-redis
// writes for each kind of value the encoders give: ECHO sends it back.
func TestArgTextIsWhatGoRedisSends(t *testing.T) {
	c := redistest.New(t).Client(t)
	s, f32, d := "p", float32(0.1), 1500*time.Millisecond
	var nilString *string
	at := time.Date(2026, 12, 3, 16, 39, 22, 5, time.UTC)
	for _, v := range []any{
		"x", []byte("b"), &s, nilString, 7, int8(-3), int64(-9007199254740993), uint64(18446744073709551615),
		1.5, 1e21, f32, &f32, true, false, at, &at, d, &d, binary{}, net.IPv4(127, 0, 0, 1).To4(),
	} {
		sent, err := c.Echo(context.Background(), v).Result()
		if err != nil {
			t.Fatalf("ECHO %#v: %v", v, err)
		}
		if got, err := codec.ArgText(v); err != nil || got != sent {
			t.Errorf("ArgText(%#v) = %q, %v; go-redis sent %q", v, got, err, sent)
		}
	}
}
