package lint_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/lint"
)

// TestSuggestions: a near miss carries the text to write in place of the
// word at its position (the editor's quick fix): a command or option in
// the literal's quotes and case, a field's name; none without a near
// miss.
func TestSuggestions(t *testing.T) {
	src := strings.Join([]string{
		"redis.call('GETT', 'k')",
		`redis.call("incrbyy", 'k', 1)`,
		"redis.call('CLIENT', 'setnamex', 'n')",
		"redis.call('SET', 'k', 'v', 'KEEPTTLL')",
		"redis.log(redis.LOG_WARNINGG, 'x')",
		"redis.call('ZZZZZZZZ', 'k')",
		"return 1",
	}, "\n")
	s, err := resolve.New(nil).Parse("m", src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range lint.Lint(s) {
		got = append(got, fmt.Sprintf("%d:%d %s %q", f.Pos.Line, f.Pos.Col, f.Code, f.Suggestion))
	}
	want := []string{
		`1:12 RL201 "'GET'"`,
		`2:12 RL201 "\"incrby\""`,
		`3:22 RL202 "'setname'"`,
		`4:29 RL208 "'KEEPTTL'"`,
		`4:19 RL108 ""`,
		`5:17 W143 "LOG_WARNING"`,
		`6:12 RL201 ""`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
