package codec

import (
	"net"
	"testing"
	"time"
)

type marshaler struct{}

func (marshaler) MarshalBinary() ([]byte, error) { return []byte("bin"), nil }

type myInt int

// TestArgText: the text of every kind of value the encoders give (go-redis
// writes the same: engine's TestArgTextIsWhatGoRedisSends checks it on a
// server).
func TestArgText(t *testing.T) {
	s, i8, f32 := "p", int8(-3), float32(0.1)
	var nilString *string
	at := time.Date(2026, 12, 3, 16, 39, 22, 5, time.UTC)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, ""}, {"x", "x"}, {[]byte("b"), "b"}, {&s, "p"}, {nilString, ""},
		{7, "7"}, {int64(-9007199254740993), "-9007199254740993"}, {i8, "-3"}, {&i8, "-3"},
		{uint64(18446744073709551615), "18446744073709551615"}, {uint8(255), "255"},
		{1.5, "1.5"}, {1e21, "1000000000000000000000"}, {f32, "0.10000000149011612"}, {&f32, "0.10000000149011612"},
		{true, "1"}, {false, "0"},
		{at, "2026-12-03T16:39:22.000000005Z"}, {&at, "2026-12-03T16:39:22.000000005Z"},
		{1500 * time.Millisecond, "1500000000"},
		{marshaler{}, "bin"}, {net.IPv4(127, 0, 0, 1).To4(), "\x7f\x00\x00\x01"},
	} {
		got, err := ArgText(tc.v)
		if err != nil || got != tc.want {
			t.Errorf("ArgText(%#v) = %q, %v, want %q", tc.v, got, err, tc.want)
		}
	}
	for _, v := range []any{myInt(1), struct{}{}, []int{1}, map[string]any{}} {
		if _, err := ArgText(v); err == nil {
			t.Errorf("ArgText(%#v): no error", v)
		}
	}
}
