package codec

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
)

// MaxSafeInteger is 2^53: integers of larger magnitude do not survive a
// trip through a Lua number (a double), so the encoders refuse them.
const MaxSafeInteger = 1 << 53

// Encode converts v, the value of the argument called name, to what is
// sent as its ARGV entry for the declared type t. The result is a value
// that go-redis writes as exactly the ARGV text of conformance/SPEC.md §3 (a string, a
// []byte, an integer or a bool; Encode returns v itself when it already is
// one, so that a call allocates nothing more); Untyped returns v as is, for
// go-redis's own conversion, when go-redis can write it (see
// encodeUntyped), and refuses it otherwise.
//
// Accepted Go values per type:
//
//	Integer  every integer kind (named types too), floats with an integral value
//	Number   every integer and float kind, finite
//	String   string, []byte, fmt.Stringer, named string types
//	Boolean  bool and named bool types
//	List     slices and arrays (not []byte), json.Marshaler giving an array
//	Dict     maps with string keys, structs, json.Marshaler giving an object
//
// Pointers to accepted values are followed; a nil pointer is refused.
// Errors are *EncodeError values naming the argument and the path inside
// it.
func Encode(name string, t Type, v any) (any, error) {
	switch t {
	case Untyped:
		return encodeUntyped(name, v)
	case Integer:
		return encodeInteger(name, v)
	case Number:
		return encodeNumber(name, v)
	case String:
		return encodeString(name, v)
	case Boolean:
		return encodeBoolean(name, v)
	case List, Dict:
		s, err := EncodeJSON(name, t, v)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, &EncodeError{Arg: name, Type: t, Reason: fmt.Sprintf("invalid type %d", t)}
}

func wrongType(name string, t Type, v any) error {
	return &EncodeError{Arg: name, Type: t, Reason: "want " + t.String() + ", got " + describeGo(v)}
}

// describeGo names a Go value for an error message: its type, and its
// value when short.
func describeGo(v any) string {
	if v == nil {
		return "nil"
	}
	switch x := v.(type) {
	case string:
		return "string " + preview(x)
	case bool:
		return "bool " + strconv.FormatBool(x)
	}
	return reflect.TypeOf(v).String()
}

func beyond(name string, t Type, path string, n string) error {
	return &EncodeError{Arg: name, Path: path, Type: t, Reason: "integer " + n + " is beyond ±2^53 (Lua numbers are doubles)"}
}

// deref follows pointers and interfaces. ok is false for a nil pointer.
func deref(rv reflect.Value) (reflect.Value, bool) {
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return rv, false
		}
		rv = rv.Elem()
	}
	return rv, true
}

func nilPointer(name string, t Type, v any) error {
	return &EncodeError{Arg: name, Type: t, Reason: "want " + t.String() + ", got nil " + reflect.TypeOf(v).String()}
}

func encodeInteger(name string, v any) (any, error) {
	// The common kinds go to go-redis unchanged: it writes them in decimal.
	switch x := v.(type) {
	case int:
		if x > MaxSafeInteger || x < -MaxSafeInteger {
			return nil, beyond(name, Integer, "", strconv.Itoa(x))
		}
		return v, nil
	case int64:
		if x > MaxSafeInteger || x < -MaxSafeInteger {
			return nil, beyond(name, Integer, "", strconv.FormatInt(x, 10))
		}
		return v, nil
	case int32, int16, int8, uint32, uint16, uint8:
		return v, nil
	case uint64:
		if x > MaxSafeInteger {
			return nil, beyond(name, Integer, "", strconv.FormatUint(x, 10))
		}
		return v, nil
	case uint:
		if x > MaxSafeInteger {
			return nil, beyond(name, Integer, "", strconv.FormatUint(uint64(x), 10))
		}
		return v, nil
	case nil:
		return nil, wrongType(name, Integer, v)
	}
	rv, ok := deref(reflect.ValueOf(v))
	if !ok {
		return nil, nilPointer(name, Integer, v)
	}
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := rv.Int()
		if n > MaxSafeInteger || n < -MaxSafeInteger {
			return nil, beyond(name, Integer, "", strconv.FormatInt(n, 10))
		}
		return n, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := rv.Uint()
		if n > MaxSafeInteger {
			return nil, beyond(name, Integer, "", strconv.FormatUint(n, 10))
		}
		return int64(n), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		switch {
		case math.IsNaN(f) || math.IsInf(f, 0):
			return nil, &EncodeError{Arg: name, Type: Integer, Reason: "want integer, got " + formatFloat(f, 64)}
		case f != math.Trunc(f):
			return nil, &EncodeError{Arg: name, Type: Integer, Reason: "want integer, got " + formatFloat(f, 64) + " (not integral)"}
		case math.Abs(f) > MaxSafeInteger:
			return nil, beyond(name, Integer, "", formatFloat(f, 64))
		}
		return int64(f), nil
	}
	return nil, wrongType(name, Integer, v)
}

func encodeNumber(name string, v any) (any, error) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, &EncodeError{Arg: name, Type: Number, Reason: "want a finite number, got " + formatFloat(x, 64)}
		}
		return formatFloat(x, 64), nil
	case nil:
		return nil, wrongType(name, Number, v)
	}
	rv, ok := deref(reflect.ValueOf(v))
	if !ok {
		return nil, nilPointer(name, Number, v)
	}
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, &EncodeError{Arg: name, Type: Number, Reason: "want a finite number, got " + formatFloat(f, 64)}
		}
		return formatFloat(f, rv.Type().Bits()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return encodeInteger(name, v)
	}
	return nil, wrongType(name, Number, v)
}

// formatFloat is the shortest text that reads back as the same float.
func formatFloat(f float64, bits int) string {
	var buf [32]byte
	return string(appendFloat(buf[:0], f, bits))
}

// appendFloat appends the shortest round-trip text of f: plain decimals
// for ordinary magnitudes, an exponent for very large or small ones (as
// encoding/json writes them).
func appendFloat(b []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.AppendFloat(b, f, 'g', -1, bits)
	}
	return strconv.AppendFloat(b, f, format, -1, bits)
}

func encodeString(name string, v any) (any, error) {
	switch x := v.(type) {
	case string, []byte:
		return v, nil
	case fmt.Stringer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, nilPointer(name, String, v)
		}
		return x.String(), nil
	case nil:
		return nil, wrongType(name, String, v)
	}
	rv, ok := deref(reflect.ValueOf(v))
	if !ok {
		return nil, nilPointer(name, String, v)
	}
	if rv.CanInterface() && rv.Type() != reflect.TypeOf(v) {
		// A pointer to a string, a []byte or a Stringer.
		return encodeString(name, rv.Interface())
	}
	switch {
	case rv.Kind() == reflect.String:
		return rv.String(), nil
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8:
		return rv.Bytes(), nil
	}
	return nil, wrongType(name, String, v)
}

func encodeBoolean(name string, v any) (any, error) {
	switch v.(type) {
	case bool:
		return v, nil // go-redis writes 1 or 0
	case nil:
		return nil, wrongType(name, Boolean, v)
	}
	rv, ok := deref(reflect.ValueOf(v))
	if !ok {
		return nil, nilPointer(name, Boolean, v)
	}
	if rv.Kind() == reflect.Bool {
		return rv.Bool(), nil
	}
	return nil, wrongType(name, Boolean, v)
}

// EncodeKey encodes the value of a %key: a string, a []byte or a
// fmt.Stringer as is (and what points to one), an integer of any kind as
// its decimal text, as go-redis writes it (a key is text, not a Lua
// number: no ±2^53 limit). Anything else (a float, a bool, a list...) is
// an *EncodeError: such a key name is more likely a mistake than meant.
func EncodeKey(name string, v any) (any, error) {
	switch x := v.(type) {
	case string, []byte:
		return v, nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	}
	enc, err := encodeString(name, v)
	if err == nil {
		return enc, nil
	}
	rv, ok := deref(reflect.ValueOf(v))
	if !ok {
		return nil, err // a nil pointer
	}
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), nil
	}
	return nil, &EncodeError{Arg: name, Type: String, Reason: "a key is a string or an integer, got " + describeGo(v)}
}
