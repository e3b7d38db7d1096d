package codec

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// ParseText reads a value of type t from text, as given on a command line
// (name=value), and returns a Go value that Encode accepts for t:
//
//	Integer  decimal → int64, within ±2^53
//	Number   Go float syntax → float64, finite
//	Boolean  true/false, 1/0, yes/no (any case) → bool
//	String   the text as is
//	List     a JSON array  → json.RawMessage, checked like Go values are
//	Dict     a JSON object → json.RawMessage, checked like Go values are
//	Untyped  the text as is
//
// Errors are *ParseError values naming the argument.
func ParseText(name string, t Type, text string) (any, error) {
	fail := func(reason string) error {
		return &ParseError{Arg: name, Type: t, Text: text, Reason: reason}
	}
	switch t {
	case Untyped, String:
		return text, nil
	case Integer:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, fail("beyond ±2^53 (Lua numbers are doubles)")
			}
			return nil, fail("not a decimal integer")
		}
		if n > MaxSafeInteger || n < -MaxSafeInteger {
			return nil, fail("beyond ±2^53 (Lua numbers are doubles)")
		}
		return n, nil
	case Number:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fail("not a finite number")
		}
		return f, nil
	case Boolean:
		switch strings.ToLower(text) {
		case "true", "1", "yes":
			return true, nil
		case "false", "0", "no":
			return false, nil
		}
		return nil, fail("not a boolean (true/false, 1/0, yes/no)")
	case List, Dict:
		data := []byte(text)
		if sub, reason := checkJSON(data); reason != "" {
			return nil, fail(reason + atPath(sub))
		}
		trimmed := bytes.TrimSpace(data)
		if t == List && trimmed[0] != '[' {
			return nil, fail("not a JSON array")
		}
		if t == Dict && trimmed[0] != '{' {
			return nil, fail("not a JSON object")
		}
		var b bytes.Buffer
		_ = json.Compact(&b, trimmed) // checkJSON proved it valid
		return json.RawMessage(b.Bytes()), nil
	}
	return nil, fail("invalid type")
}

func atPath(p []pathElem) string {
	if len(p) == 0 {
		return ""
	}
	return " at " + formatPath(p)
}
