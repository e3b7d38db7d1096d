package lint

import "testing"

func TestColumns(t *testing.T) {
	for _, tc := range []struct {
		text, want string
	}{
		{"return x -- x in a comment", "return x "},
		{"local s = '-- not a comment' -- comment", "local s = '-- not a comment' "},
		{`local s = "it\"s -- still text" -- c`, `local s = "it\"s -- still text" `},
		{"no comment", "no comment"},
	} {
		if got := codePart(tc.text); got != tc.want {
			t.Errorf("codePart(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	for _, tc := range []struct {
		text, word string
		k          int
		fromEnd    bool
		want       int
	}{
		{"    size=size,", "size", 0, true, 9},
		{"    size=size,", "size", 1, true, 4},
		{"    size=size,", "size", 0, false, 4},
		{"a = a + a", "a", 2, false, 8},
		{"a = a + a", "a", 5, false, 8}, // fewer occurrences: the last
		{"b = 1", "a", 0, false, -1},
	} {
		if i := nthIndexWord(tc.text, tc.word, tc.k, tc.fromEnd); i != tc.want {
			t.Errorf("nthIndexWord(%q, %q, %d, %v) = %d, want %d", tc.text, tc.word, tc.k, tc.fromEnd, i, tc.want)
		}
	}
	if i := indexWord("sizes size", "size"); i != 6 {
		t.Errorf("indexWord skips partial words: %d", i)
	}
}
