package codec

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Decode converts a script's reply to the Go value of its %return type.
// reply is the value go-redis returns for the call, with a nil reply (the
// redis.Nil error) given as nil:
//
//	Integer  an integer reply, or a string holding an integer → int64
//	Number   an integer reply, or a string holding a number → float64
//	String   a string reply → string; an integer reply → its decimal text
//	Boolean  an integer reply: 0 → false, any other → true (Lua's true
//	         is 1, and EXISTS, SISMEMBER... answer 0 or 1); nil (Lua's
//	         false or nil) → false. A string reply is refused: is "0"
//	         false? (Python's bool(b"0") says true; Lua's "0" is true)
//	List     a string holding a JSON array → []any ("{}", cjson's empty
//	         table, is the empty list); an array reply is taken as is
//	Dict     a string holding a JSON object → map[string]any ("[]" is
//	         the empty dict)
//	Untyped  the reply as is
//
// JSON numbers decode to float64, as with encoding/json; decode into a
// typed Go value with DecodeInto for more control. Redis truncates a Lua
// number reply to an integer, so a %return number script should return
// tostring(x). A reply that does not fit is a *DecodeError.
func Decode(t Type, reply any) (any, error) {
	switch t {
	case Untyped:
		return reply, nil
	case Integer:
		switch r := reply.(type) {
		case int64:
			return reply, nil // as it is: boxing r again would allocate
		case string:
			n, err := strconv.ParseInt(r, 10, 64)
			if err == nil {
				return n, nil
			}
			return nil, decodeError(t, reply, "a string that is not an integer")
		}
	case Number:
		switch r := reply.(type) {
		case int64:
			return float64(r), nil
		case string:
			if f, ok := parseLuaNumber(r); ok {
				return f, nil
			}
			return nil, decodeError(t, reply, "a string that is not a number")
		}
	case String:
		switch r := reply.(type) {
		case string:
			return r, nil
		case int64:
			return strconv.FormatInt(r, 10), nil
		}
	case Boolean:
		switch r := reply.(type) {
		case nil:
			return false, nil
		case int64:
			return r != 0, nil
		case string:
			return nil, decodeError(t, reply, "a string (return true or false, or a number: 0 is false)")
		}
	case List, Dict:
		return decodeJSON(t, reply)
	default:
		return nil, fmt.Errorf("codec: invalid type %d", t)
	}
	return nil, decodeError(t, reply, "wrong kind of reply")
}

func decodeError(t Type, reply any, reason string) error {
	return &DecodeError{Type: t, Reply: describeReply(reply), Reason: reason}
}

// parseLuaNumber reads a number as Lua's tostring writes it, including
// inf, -inf, nan and -nan.
func parseLuaNumber(s string) (float64, bool) {
	switch s {
	case "inf":
		return math.Inf(1), true
	case "-inf":
		return math.Inf(-1), true
	case "nan", "-nan":
		return math.NaN(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

// jsonText returns the JSON text of a list or dict reply: the empty
// table of the other shape ("{}" for a list, "[]" for a dict) becomes the
// empty value of the declared one.
func jsonText(t Type, reply any) (string, error) {
	s, ok := reply.(string)
	if !ok {
		return "", decodeError(t, reply, "want a string holding JSON (return cjson.encode(x))")
	}
	trimmed := strings.TrimSpace(s)
	empty, other, shape := "[]", "{}", "array"
	if t == Dict {
		empty, other, shape = "{}", "[]", "object"
	}
	if trimmed == other {
		return empty, nil
	}
	if trimmed == "" || trimmed[0] != empty[0] {
		return "", decodeError(t, reply, "not a JSON "+shape)
	}
	return trimmed, nil
}

func decodeJSON(t Type, reply any) (any, error) {
	if arr, ok := reply.([]any); ok && t == List {
		return arr, nil
	}
	text, err := jsonText(t, reply)
	if err != nil {
		return nil, err
	}
	var v any
	if t == List {
		l := []any{}
		err = json.Unmarshal([]byte(text), &l)
		v = l
	} else {
		m := map[string]any{}
		err = json.Unmarshal([]byte(text), &m)
		v = m
	}
	if err != nil {
		return nil, decodeError(t, reply, "invalid JSON: "+strings.TrimPrefix(err.Error(), "json: "))
	}
	return v, nil
}

// DecodeInto decodes a reply of type t into the Go value dst points to.
// For list and dict, the JSON is unmarshalled with encoding/json into dst
// (a slice, a struct, a map...); for the other types the decoded value is
// converted to dst's type, refusing what would overflow it.
func DecodeInto(t Type, reply any, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("codec: DecodeInto needs a non-nil pointer, got %T", dst)
	}
	if t.IsJSON() {
		var data []byte
		if arr, ok := reply.([]any); ok && t == List {
			b, err := json.Marshal(arr)
			if err != nil {
				return decodeError(t, reply, err.Error())
			}
			data = b
		} else {
			text, err := jsonText(t, reply)
			if err != nil {
				return err
			}
			data = []byte(text)
		}
		if err := json.Unmarshal(data, dst); err != nil {
			return decodeError(t, reply, "cannot decode into "+rv.Type().Elem().String()+": "+strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil
	}
	v, err := Decode(t, reply)
	if err != nil {
		return err
	}
	return assign(rv.Elem(), v, t, reply)
}

func assign(dst reflect.Value, v any, t Type, reply any) error {
	if v == nil {
		dst.SetZero()
		return nil
	}
	src := reflect.ValueOf(v)
	fail := func() error {
		return decodeError(t, reply, "cannot store "+src.Type().String()+" in "+dst.Type().String())
	}
	switch dst.Kind() {
	case reflect.Interface:
		if !src.Type().AssignableTo(dst.Type()) {
			return fail()
		}
		dst.Set(src)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(int64)
		if !ok || dst.OverflowInt(n) {
			return fail()
		}
		dst.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(int64)
		if !ok || n < 0 || dst.OverflowUint(uint64(n)) {
			return fail()
		}
		dst.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case float64:
			dst.SetFloat(x)
		case int64:
			dst.SetFloat(float64(x))
		default:
			return fail()
		}
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return fail()
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return fail()
		}
		dst.SetBool(b)
	default:
		if !src.Type().AssignableTo(dst.Type()) {
			return fail()
		}
		dst.Set(src)
	}
	return nil
}
