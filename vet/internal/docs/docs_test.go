package docs

import "testing"

func TestExtract(t *testing.T) {
	src := "// Package p does things.\n//\n// # Analyzer x\n//\n// x: checks x\n//\n// More about x.\n//\n// # Other\n//\n// Not x.\npackage p\n"
	if got := Extract(src, "x"); got != "x: checks x\n\nMore about x." {
		t.Errorf("Extract = %q", got)
	}
	if got := Extract(src, "y"); got != "y" {
		t.Errorf("Extract of a missing section = %q", got)
	}
	if got := Extract("package p", "x"); got != "x" {
		t.Errorf("Extract without a comment = %q", got)
	}
}
