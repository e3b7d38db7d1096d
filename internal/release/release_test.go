package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/exp/apidiff"
)

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// miniRepo is a releasable tree of two modules: lib, and app requiring it.
func miniRepo(t *testing.T) string {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"LICENSE":          "MIT\n",
		"versions.txt":     "lib v0.1.0\napp v0.1.0\n",
		"go.work":          "go 1.22.0\n\nuse (\n\t./app\n\t./lib\n)\n\nreplace (\n\tgithub.com/redislua/redislua/app v0.1.0 => ./app\n\tgithub.com/redislua/redislua/lib v0.1.0 => ./lib\n)\n",
		"lib/go.mod":       "module github.com/redislua/redislua/lib\n\ngo 1.22.0\n",
		"lib/lib.go":       "// Package lib is a library.\npackage lib\n\n// F is one.\nfunc F() int { return 1 }\n",
		"lib/LICENSE":      "MIT\n",
		"lib/CHANGELOG.md": "# Changelog\n\n## v0.1.0 — 2026-11-24\n\nFirst.\n",
		"app/go.mod":       "module github.com/redislua/redislua/app\n\ngo 1.22.0\n\nrequire github.com/redislua/redislua/lib v0.1.0\n",
		"app/app.go":       "// Package app uses lib.\npackage app\n\nimport \"github.com/redislua/redislua/lib\"\n\n// G is F.\nfunc G() int { return lib.F() }\n",
		"app/LICENSE":      "MIT\n",
		"app/CHANGELOG.md": "# Changelog\n\n## v0.1.0 — 2026-11-24\n\nFirst.\n",
	})
	return dir
}

func TestParseVersions(t *testing.T) {
	mods, err := ParseVersions([]byte("# modules\ndirective v0.1.0\n\nengine v1.2.3\n"))
	if err != nil || len(mods) != 2 || mods[1] != (Module{"engine", Prefix + "engine", "v1.2.3"}) {
		t.Fatalf("ParseVersions = %v, %v", mods, err)
	}
	if got := string(FormatVersions(mods)); got != "directive v0.1.0\nengine v1.2.3\n" {
		t.Errorf("FormatVersions = %q", got)
	}
	for _, bad := range []string{"engine\n", "engine 0.1.0\n", "engine v0.1\n", "engine v0.1.0 x\n", "a v0.1.0\na v0.2.0\n", "../x v0.1.0\n", "e v0.1.0+build\n"} {
		if _, err := ParseVersions([]byte(bad)); err == nil || !strings.Contains(err.Error(), "versions.txt:") {
			t.Errorf("ParseVersions(%q) = %v, want a versions.txt:N error", bad, err)
		}
	}
}

func TestVerify(t *testing.T) {
	dir := miniRepo(t)
	repo, err := ReadRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Verify(); err != nil {
		t.Fatalf("a releasable tree: %v", err)
	}
	for _, tc := range []struct {
		name, file, data, want string
	}{
		{"replace", "app/go.mod", "module github.com/redislua/redislua/app\n\ngo 1.22.0\n\nrequire github.com/redislua/redislua/lib v0.1.0\n\nreplace github.com/redislua/redislua/lib => ../lib\n", "app/go.mod: replace github.com/redislua/redislua/lib"},
		{"stale version", "app/go.mod", "module github.com/redislua/redislua/app\n\ngo 1.22.0\n\nrequire github.com/redislua/redislua/lib v0.0.9\n", "requires github.com/redislua/redislua/lib v0.0.9; versions.txt says v0.1.0"},
		{"sibling sum", "app/go.sum", "github.com/redislua/redislua/lib v0.1.0 h1:x=\n", "app/go.sum:1: a line for sibling"},
		{"work replace", "go.work", "go 1.22.0\n\nuse (\n\t./app\n\t./lib\n)\n\nreplace github.com/redislua/redislua/lib => ./lib\n", "go.work: no replace github.com/redislua/redislua/app v0.1.0 => ./app"},
		{"unlisted", "versions.txt", "lib v0.1.0\n", "go.work uses app, which versions.txt does not list"},
		{"changelog", "lib/CHANGELOG.md", "# Changelog\n\n## v0.1.00 — x\n", "lib/CHANGELOG.md has no entry for v0.1.0"},
		{"elf", "lib/tool", "\x7fELF\x02\x01\x01", "build outputs in the tree (git rm --cached them and list them in .gitignore): lib/tool"},
		{"mach-o", "app/app", "\xcf\xfa\xed\xfe\x07", "build outputs in the tree (git rm --cached them and list them in .gitignore): app/app"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := miniRepo(t)
			writeTree(t, dir, map[string]string{tc.file: tc.data})
			repo, err := ReadRepo(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := repo.Verify(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Verify = %v, want %q", err, tc.want)
			}
		})
	}
	dir = miniRepo(t)
	os.Remove(filepath.Join(dir, "lib", "LICENSE"))
	repo, _ = ReadRepo(dir)
	if err := repo.Verify(); err == nil || !strings.Contains(err.Error(), "lib/LICENSE missing") {
		t.Errorf("Verify without lib/LICENSE = %v", err)
	}
}

// TestProxyConsumer builds the file proxy of a tree and a consumer
// outside it that requires app only, offline: the go command must find
// both modules at their listed versions with no replace directive.
func TestProxyConsumer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	repo, err := ReadRepo(miniRepo(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := filepath.Join(t.TempDir(), "proxy")
	if err := repo.BuildProxy(proxy); err != nil {
		t.Fatal(err)
	}
	consumer := t.TempDir()
	writeTree(t, consumer, map[string]string{
		"go.mod":  "module example.com/c\n\ngo 1.22.0\n\nrequire github.com/redislua/redislua/app v0.1.0\n",
		"main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/redislua/redislua/app\"\n)\n\nfunc main() { fmt.Println(app.G()) }\n",
	})
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = consumer
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY="+fileURL(proxy), "GONOSUMDB="+strings.TrimSuffix(Prefix, "/"),
		"GOMODCACHE="+filepath.Join(t.TempDir(), "modcache"), "GOFLAGS=-mod=mod -modcacherw", "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Fatalf("consumer: %v\n%s", err, out)
	}
}

func TestCheckBump(t *testing.T) {
	add := apidiff.Report{Changes: []apidiff.Change{{Message: "G: added", Compatible: true}}}
	brk := apidiff.Report{Changes: []apidiff.Change{{Message: "F: removed", Compatible: false}}}
	for _, tc := range []struct {
		old, new string
		r        apidiff.Report
		want     string // "" = accepted
	}{
		{"v0.1.0", "v0.1.1", apidiff.Report{}, ""},
		{"v0.1.0", "v0.1.1", add, "need at least v0.2.0"},
		{"v0.1.0", "v0.2.0", add, ""},
		{"v0.1.0", "v0.1.1", brk, "need at least v0.2.0"},
		{"v0.1.3", "v0.2.0", brk, ""},
		{"v0.9.0", "v1.0.0", brk, ""},
		{"v1.2.0", "v1.3.0", brk, "new major version"},
		{"v1.2.0", "v1.2.1", add, "need at least v1.3.0"},
		{"v1.2.0", "v1.3.0", add, ""},
	} {
		err := CheckBump(tc.old, tc.new, tc.r)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckBump(%s → %s, %v) = %v, want %q", tc.old, tc.new, tc.r.Changes, err, tc.want)
		}
	}
}

func TestChangelog(t *testing.T) {
	cl := []byte("# Changelog\n\nIntro.\n\n## v0.1.0 — 2026-11-01\n\nFirst.\n")
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	entry := ChangelogEntry("v0.2.0", at, "- resolve: a fix\n", apidiff.Report{Changes: []apidiff.Change{{Message: "func G: added", Compatible: true}}})
	got := string(AddEntry(cl, "lib", entry))
	want := "# Changelog\n\nIntro.\n\n## v0.2.0 — 2026-11-24\n\n- resolve: a fix\n\nAPI additions:\n\n- func G: added\n\n## v0.1.0 — 2026-11-01\n\nFirst.\n"
	if got != want {
		t.Errorf("AddEntry =\n%s\nwant\n%s", got, want)
	}
	if !HasEntry([]byte(got), "v0.2.0") || !HasEntry([]byte(got), "v0.1.0") || HasEntry([]byte(got), "v0.1") || HasEntry([]byte(got), "v0.2.1") {
		t.Error("HasEntry misreads the headings")
	}
	if fresh := string(AddEntry(nil, "lib", entry)); !strings.HasPrefix(fresh, "# Changelog: "+Prefix+"lib\n") || !strings.HasSuffix(fresh, entry) {
		t.Errorf("a new CHANGELOG =\n%s", fresh)
	}
}

// TestBump releases lib in a git repository twice: an addition refused as
// a patch and accepted as a minor release, which updates versions.txt, the
// requirer's go.mod, go.work and the CHANGELOG, commits and tags.
func TestBump(t *testing.T) {
	if testing.Short() {
		t.Skip("runs git and the go command")
	}
	dir := miniRepo(t)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "first")
	writeTree(t, dir, map[string]string{"lib/more.go": "package lib\n\n// H is new.\nfunc H() int { return 2 }\n"})
	git("add", "-A")
	git("commit", "-q", "-m", "lib: H")
	t.Chdir(dir)
	repo, err := ReadRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_AUTHOR_NAME", "t")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "t")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	if err := repo.Bump("lib", "v0.1.1", false); err == nil || !strings.Contains(err.Error(), "1 API additions need at least v0.2.0") {
		t.Fatalf("patch release of an addition: %v", err)
	}
	if err := repo.Bump("lib", "v0.2.0", false); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		return string(data)
	}
	if got := read("versions.txt"); got != "lib v0.2.0\napp v0.1.0\n" {
		t.Errorf("versions.txt = %q", got)
	}
	if got := read("app/go.mod"); !strings.Contains(got, "github.com/redislua/redislua/lib v0.2.0") {
		t.Errorf("app/go.mod = %q", got)
	}
	if got := read("go.work"); !strings.Contains(got, "github.com/redislua/redislua/lib v0.2.0 => ./lib") || strings.Contains(got, "lib v0.1.0") {
		t.Errorf("go.work = %q", got)
	}
	if got := read("lib/CHANGELOG.md"); !strings.Contains(got, "## v0.2.0 — ") || !strings.Contains(got, "- lib: H\n") || !strings.Contains(got, "H: added") {
		t.Errorf("lib/CHANGELOG.md = %q", got)
	}
	if tags := git("tag", "--points-at", "HEAD"); tags != "lib/v0.2.0\n" {
		t.Errorf("tags at HEAD = %q", tags)
	}
	if st := git("status", "--porcelain"); st != "" {
		t.Errorf("release left changes uncommitted:\n%s", st)
	}
	again, _ := ReadRepo(dir)
	if err := again.Verify(); err != nil {
		t.Errorf("after the release: %v", err)
	}
}

func TestVerifyDocs(t *testing.T) {
	for _, tc := range []struct {
		file, data, want string
	}{
		{"README.md", "See [the spec](conformance/SPEC.md).\n", "link conformance/SPEC.md: no such file"},
		{"README.md", "See [the spec](../shared/SPEC.md).\n", "link ../shared/SPEC.md leaves the repository"},
		{"lib/doc.go", "// as SPEC" + " §3 says\npackage lib\n", `lib/doc.go:1: "SPEC` + ` §3"`},
		{"lib/doc.go", "// as SPEC.md" + " §11 says\npackage lib\n", `"SPEC.md` + ` §11"`},
		{"README.md", "Fine: [lib](lib), [log](lib/CHANGELOG.md#v010), [web](https://go.dev), [here](#x), SPEC.md §4.\n", ""},
	} {
		dir := miniRepo(t)
		writeTree(t, dir, map[string]string{tc.file: tc.data})
		repo, _ := ReadRepo(dir)
		err := repo.VerifyDocs()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s %q: VerifyDocs = %v, want %q", tc.file, tc.data, err, tc.want)
		}
	}
}

func TestClosure(t *testing.T) {
	graph := "app a@v1\na@v1 b@v2\nb@v2 c@v1\nb@v1 d@v1\nx@v1 y@v1\nc@v1 a@v1\n"
	if got := strings.Join(closure(graph, "a"), " "); got != "a b c d" {
		t.Errorf("closure = %q, want a b c d (every version of a module counts)", got)
	}
}

// TestVerifyNoBinariesTracked: in a git work tree only what git tracks
// counts: a build output .gitignore keeps out is fine, a tracked one is
// refused.
func TestVerifyNoBinariesTracked(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := miniRepo(t)
	writeTree(t, dir, map[string]string{".gitignore": "/tool\n", "tool": "\x7fELF", "lib/kept": "\x7fELF"})
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@t", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	repo, err := ReadRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.VerifyNoBinaries(); err == nil || !strings.Contains(err.Error(), "lib/kept") || strings.Contains(err.Error(), ": tool") {
		t.Errorf("VerifyNoBinaries = %v, want lib/kept alone", err)
	}
	git("rm", "-q", "--cached", "lib/kept")
	if err := repo.VerifyNoBinaries(); err != nil {
		t.Errorf("after git rm --cached: %v", err)
	}
}
