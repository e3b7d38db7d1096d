package codec

import (
	"encoding"
	"net"
	"time"
)

// encodeUntyped checks that go-redis can write v, the value of an untyped
// argument, and returns what it will write: v itself for the types its
// writer knows (nil, strings, []byte, the built-in integer, float and bool
// kinds and pointers to them, time.Time, time.Duration, net.IP), or the
// bytes of an encoding.BinaryMarshaler, marshaled now so that its error
// is this call's and not the pipeline's. Anything else ([]int, a map, a
// struct, a named integer type) would fail inside go-redis's writer,
// after the other commands of a pipeline were written; it is refused here,
// before anything is sent.
func encodeUntyped(name string, v any) (any, error) {
	switch x := v.(type) {
	case nil, string, *string, []byte,
		int, *int, int8, *int8, int16, *int16, int32, *int32, int64, *int64,
		uint, *uint, uint8, *uint8, uint16, *uint16, uint32, *uint32, uint64, *uint64,
		float32, *float32, float64, *float64, bool, *bool,
		time.Time, *time.Time, time.Duration, *time.Duration, net.IP:
		return v, nil
	case encoding.BinaryMarshaler:
		b, err := x.MarshalBinary()
		if err != nil {
			return nil, &EncodeError{Arg: name, Type: Untyped, Reason: "MarshalBinary: " + err.Error()}
		}
		return b, nil
	}
	return nil, &EncodeError{Arg: name, Type: Untyped, Reason: "go-redis cannot send a " + describeGo(v) + " (declare a type such as list or dict, or pass a string, []byte, number, bool or encoding.BinaryMarshaler)"}
}
