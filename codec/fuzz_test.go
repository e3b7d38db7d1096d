package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEncodeList encodes lists built from the fuzzer's values and checks
// that what encodes decodes back to the same values, and that what is
// refused breaks a rule of conformance/SPEC.md §3. The conformance suite runs the same
// shapes through Lua's cjson on real Redis.
func FuzzEncodeList(f *testing.F) {
	f.Add("john", int64(5), 1.5, []byte("raw"))
	f.Add("", int64(MaxSafeInteger), 0.1, []byte{})
	f.Add("é☃\x00\"\\\n", int64(-MaxSafeInteger-1), math.Inf(1), []byte("\xff"))
	f.Add("bad\xff", int64(math.MaxInt64), 1e300, []byte(nil))
	f.Fuzz(func(t *testing.T, s string, n int64, x float64, b []byte) {
		v := []any{s, n, x, b, []string{s}, map[string]any{s: n}}
		text, err := EncodeJSON("l", List, v)
		if err != nil {
			var e *EncodeError
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *EncodeError", err)
			}
			ok := !utf8.ValidString(s) || !utf8.Valid(b) || n > MaxSafeInteger || n < -MaxSafeInteger || math.IsNaN(x) || math.IsInf(x, 0)
			if !ok {
				t.Fatalf("EncodeJSON(%#v) refused a valid list: %v", v, err)
			}
			return
		}
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var back []any
		if err := dec.Decode(&back); err != nil {
			t.Fatalf("EncodeJSON(%#v) = %s, which does not decode: %v", v, text, err)
		}
		if back[0] != s || back[3] != string(b) || back[4].([]any)[0] != s {
			t.Fatalf("strings changed: %s", text)
		}
		if got, _ := strconv.ParseInt(string(back[1].(json.Number)), 10, 64); got != n {
			t.Fatalf("integer %d came back as %s", n, back[1])
		}
		if got, _ := strconv.ParseFloat(string(back[2].(json.Number)), 64); got != x {
			t.Fatalf("float %v came back as %s", x, back[2])
		}
		// Text that this package encodes passes its own check of foreign JSON.
		if _, reason := checkJSON([]byte(text)); reason != "" {
			t.Fatalf("checkJSON(%s): %s", text, reason)
		}
		if !bytes.Equal([]byte(text), bytes.TrimSpace([]byte(text))) {
			t.Fatalf("output has blanks around it")
		}
	})
}
