package luadebug

import (
	"bufio"
	"reflect"
	"strings"
	"testing"
)

func parse(data string) (any, error) {
	c := &conn{r: bufio.NewReader(strings.NewReader(data))}
	return c.reply(0)
}

func TestReply(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want any
		err  bool
	}{
		{"+OK\r\n", "OK", false},
		{"-ERR no\r\n", ServerError("ERR no"), false},
		{":42\r\n", int64(42), false},
		{"$3\r\nabc\r\n", "abc", false},
		{"$-1\r\n", nil, false},
		{"*2\r\n+* Stopped at 1, stop reason = step over\r\n$2\r\nhi\r\n", []any{"* Stopped at 1, stop reason = step over", "hi"}, false},
		{"*1\r\n*1\r\n:1\r\n", []any{[]any{int64(1)}}, false},
		{"*-1\r\n", nil, false},
		{"", nil, true},
		{"+OK\n", nil, true},
		{"$5\r\nabc\r\n", nil, true},
		{"$x\r\n", nil, true},
		{"*3\r\n:1\r\n", nil, true},
		{"?\r\n", nil, true},
		{":1x\r\n", nil, true},
		{strings.Repeat("*1\r\n", maxDepth+1) + ":1\r\n", nil, true},
		{"$999999999999\r\n", nil, true},
		{"$500000000\r\nab", nil, true},
		{"$2\r\nabXY", nil, true},
	} {
		got, err := parse(tc.in)
		if (err != nil) != tc.err || !tc.err && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %#v, %v", tc.in, got, err)
		}
	}
}

// FuzzReply: no input makes the reader panic or read past what it was
// given, however long or deep it claims to be.
func FuzzReply(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "*2\r\n$1\r\na\r\n:1\r\n", "$-1\r\n", "*1\r\n*1\r\n-E\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		parse(data)
	})
}
