package codec

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// checkJSON checks JSON text that did not come from this package's encoder
// (a MarshalJSON method, a command line) by the same rules: valid syntax,
// valid UTF-8, integers within ±2^53, numbers that fit a double, nesting
// within MaxDepth. It returns the path to the offending value and the
// reason, or an empty reason.
func checkJSON(data []byte) (path []pathElem, reason string) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			return nil, "invalid JSON"
		}
		return nil, "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
	}
	bad := -1
	if !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				bad = i
				break
			}
			i += size
		}
	}
	type frame struct {
		obj     bool
		wantKey bool
		index   int
		key     string
	}
	var stack []frame
	current := func() []pathElem {
		p := make([]pathElem, 0, len(stack))
		for _, f := range stack {
			if f.obj {
				p = append(p, pathElem{key: f.key, isKey: true})
			} else {
				p = append(p, pathElem{index: f.index})
			}
		}
		return p
	}
	afterValue := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].obj {
				stack[n-1].wantKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, ""
		}
		if err != nil {
			return current(), "invalid JSON: " + err.Error()
		}
		if bad >= 0 && dec.InputOffset() > int64(bad) {
			if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
				if s, ok := tok.(string); ok {
					stack[n-1].key = s
				}
			}
			return current(), "string is not valid UTF-8"
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			if tok == json.Delim('}') {
				stack = stack[:n-1]
				afterValue()
				continue
			}
			stack[n-1].key, _ = tok.(string)
			stack[n-1].wantKey = false
			continue
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '[', '{':
				if len(stack) >= MaxDepth {
					return current(), "nested deeper than " + strconv.Itoa(MaxDepth) + " levels (cjson's limit)"
				}
				stack = append(stack, frame{obj: v == '{', wantKey: v == '{'})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case json.Number:
			if r := checkNumber(string(v)); r != "" {
				return current(), r
			}
		}
		afterValue()
	}
}

// checkNumber checks one JSON number literal.
func checkNumber(s string) string {
	if !strings.ContainsAny(s, ".eE") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > MaxSafeInteger || n < -MaxSafeInteger {
			return "integer " + s + " is beyond ±2^53 (Lua numbers are doubles)"
		}
		return ""
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return "number " + s + " does not fit a double"
	}
	return ""
}
