package codec

import (
	"encoding"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"time"
)

// ArgText is the text go-redis sends for v, a value Encode or EncodeKey
// returned (or any value go-redis writes): for code that sends the
// arguments of a call itself, as redis-lua debug does, and must send
// exactly what the engine would. Strings and []byte (and net.IP) as
// they are; integers in decimal; floats in the shortest decimal form
// without an exponent; bools 1 or 0; a time.Time in RFC 3339 with
// nanoseconds; a time.Duration as its nanoseconds; an
// encoding.BinaryMarshaler as its bytes; nil as the empty string; a
// pointer as what it points to (a nil one as its type's zero value).
// Any other value is an error, as go-redis refuses it.
func ArgText(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case net.IP:
		return string(x), nil
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	case time.Time: // before BinaryMarshaler, which it also is
		return x.Format(time.RFC3339Nano), nil
	case *time.Time:
		if x == nil {
			return time.Time{}.Format(time.RFC3339Nano), nil
		}
		return x.Format(time.RFC3339Nano), nil
	case time.Duration:
		return strconv.FormatInt(x.Nanoseconds(), 10), nil
	case encoding.BinaryMarshaler:
		b, err := x.MarshalBinary()
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	rv := reflect.ValueOf(v)
	if rv.Type().PkgPath() != "" {
		// A named type of an integer or a float: go-redis refuses it
		// (Encode never gives one).
		return "", fmt.Errorf("codec: a %T is not a value go-redis sends", v)
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return ArgText(reflect.Zero(rv.Type().Elem()).Interface())
		}
		return ArgText(rv.Elem().Interface())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'f', -1, 64), nil
	}
	return "", fmt.Errorf("codec: a %T is not a value go-redis sends", v)
}
