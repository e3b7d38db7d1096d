package vet_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/redislua/redislua/vet/passes/embedscripts"
	"github.com/redislua/redislua/vet/passes/rawdirectives"
	"github.com/redislua/redislua/vet/passes/scriptcalls"
	"golang.org/x/tools/go/analysis"
)

// TestVettool builds redis-lua-vet and runs it as go vet's tool on a
// throw-away module that uses the local redislua modules, checking the
// exact diagnostics and the exit status.
func TestVettool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and vets a module")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	tool := filepath.Join(tmp, "redis-lua-vet")
	build := exec.Command("go", "build", "-o", tool, "./cmd/redis-lua-vet")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	app := filepath.Join(tmp, "app")
	os.MkdirAll(filepath.Join(app, "lua"), 0o755)
	copyFile(t, "testdata/app/main.go.txt", filepath.Join(app, "main.go"))
	copyFile(t, "testdata/app/lua/add.lua", filepath.Join(app, "lua", "add.lua"))
	copyFile(t, "testdata/app/lua/broken.lua", filepath.Join(app, "lua", "broken.lua"))
	// In the repository the app uses the modules of the working tree.
	// Alone (the module from its zip, as the release check and `go test
	// all` see it) it is an ordinary consumer: go mod tidy takes the
	// modules from GOPROXY at their latest versions.
	gomod := "module example.com/app\n\ngo 1.26.0\n"
	if _, err := os.Stat(filepath.Join(repo, "go.work")); err == nil {
		copyFile(t, filepath.Join(repo, "engine", "go.sum"), filepath.Join(app, "go.sum"))
		gomod += "\nreplace (\n"
		for _, m := range []string{"codec", "directive", "engine", "redistest", "resolve"} {
			gomod += "\tgithub.com/redislua/redislua/" + m + " => " + filepath.Join(repo, m) + "\n"
		}
		gomod += ")\n"
	}
	os.WriteFile(filepath.Join(app, "go.mod"), []byte(gomod), 0o644)
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir, tidy.Env = app, env
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	vet := exec.Command("go", "vet", "-vettool="+tool, "./...")
	vet.Dir, vet.Env = app, env
	var stderr bytes.Buffer
	vet.Stderr = &stderr
	err = vet.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	want := []string{
		"lua/broken.lua:1:8: unknown type \"integr\"; did you mean integer?",
		"main.go:14:1: \tembedded here",
		"main.go:24:18: script add needs \"step\"",
		"main.go:24:49: script add has no parameter \"stpe\"; did you mean \"step\"?",
		"main.go:25:16: Eval of a script with redislua directives (%key on line 1): Redis cannot compile it; load it with resolve and run it with engine",
		"main.go:26:14: fmt.Printf format %d has arg \"one\" of wrong type string",
	}
	if code != 1 || strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("go vet exit %d, output:\n%s\nwant exit 1 and:\n%s", code, strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDocs: each analyzer's Doc is its doc.go section, whose first line
// is "name: summary" (what go vet help shows).
func TestDocs(t *testing.T) {
	for _, a := range []*analysis.Analyzer{embedscripts.Analyzer, scriptcalls.Analyzer, rawdirectives.Analyzer} {
		if !strings.HasPrefix(a.Doc, a.Name+": ") || !strings.Contains(a.Doc, "\n\n") {
			t.Errorf("%s: Doc = %q, want its doc.go section", a.Name, a.Doc)
		}
	}
}
