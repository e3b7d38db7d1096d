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
	if i := lastIndexWord("    size=size,", "size"); i != 9 {
		t.Errorf("lastIndexWord = %d, want 9", i)
	}
	if i := indexWord("sizes size", "size"); i != 6 {
		t.Errorf("indexWord skips partial words: %d", i)
	}
}
