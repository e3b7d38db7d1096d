package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// Allowed says, for the modules whose consumers must stay light, which
// modules may provide the packages a consumer's build compiles when it
// picks that module alone. "go-redis" stands for go-redis and the modules
// it requires.
var Allowed = map[string][]string{
	"directive": {"directive"},
	"codec":     {"codec"},
	"resolve":   {"resolve", "codec", "directive"},
	"engine":    {"engine", "resolve", "codec", "directive", "go-redis"},
}

const goRedis = "github.com/redis/go-redis/v9"

// NewestGoRedis is the newest go-redis the engine is tested with: the
// engine's go.mod requires the oldest it supports, and the check runs the
// engine's tests once more, in a throw-away copy, on this one. Raise it
// when go-redis releases (and the README's supported range with it).
const NewestGoRedis = "v9.23.0"

// Check is the release check: the static rules, then, through a
// file-system proxy of the tree and a module cache of its own, each
// released module built, vetted and tested alone (GOWORK=off) with the
// toolchain of its go line, a consumer of each module that picks it alone,
// and the two commands installed with `go install pkg@version`.
func (r *Repo) Check(keep bool) error {
	start := time.Now()
	if err := r.Verify(); err != nil {
		return fmt.Errorf("verify:\n%w", err)
	}
	tmp, err := os.MkdirTemp("", "redislua-release-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "work directory:", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	proxy, env, err := r.isolate(tmp)
	if err != nil {
		return err
	}
	step := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "release-check [%s] %s\n", time.Since(start).Round(time.Second), fmt.Sprintf(format, args...))
	}
	for _, m := range r.Modules {
		dir := filepath.Join(tmp, "modules", m.Dir)
		if err := unzipModule(proxy, m, dir); err != nil {
			return err
		}
		goline, err := GoLine(dir)
		if err != nil {
			return err
		}
		tenv := withToolchain(env, goline)
		step("%s %s: build, vet, test alone with go%s", m.Dir, m.Version, goline)
		orig, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err := run(dir, tenv, "go", "mod", "tidy"); err != nil {
			return err
		}
		if tidied, _ := os.ReadFile(filepath.Join(dir, "go.mod")); string(tidied) != string(orig) {
			return fmt.Errorf("%s/go.mod as released is not tidy:\n%s", m.Dir, lineDiff(orig, tidied))
		}
		for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
			if err := run(dir, tenv, "go", args...); err != nil {
				return err
			}
		}
		if m.Dir == "engine" {
			step("engine %s: test again with the newest go-redis, %s", m.Version, NewestGoRedis)
			if err := newestGoRedis(dir, filepath.Join(tmp, "engine-newest"), env); err != nil {
				return err
			}
		}
		step("%s %s: a consumer that picks it alone", m.Dir, m.Version)
		if err := r.consumer(tmp, dir, m, goline, tenv); err != nil {
			return err
		}
	}
	step("go install of the commands at their versions")
	if err := r.installs(tmp, env); err != nil {
		return err
	}
	step("passed")
	return nil
}

// withToolchain returns env with GOTOOLCHAIN set to the release of a go
// line ("1.24.0" → go1.24.0; "1.24" → go1.24.0).
func withToolchain(env []string, goline string) []string {
	v := goline
	if strings.Count(v, ".") == 1 {
		v += ".0"
	}
	out := slices.Clone(env)
	for i, e := range out {
		if strings.HasPrefix(e, "GOTOOLCHAIN=") {
			out[i] = "GOTOOLCHAIN=go" + v
		}
	}
	return out
}

// unzipModule extracts a module's zip from the proxy, as a consumer's go
// command would find it, into dir.
func unzipModule(proxy string, m Module, dir string) error {
	esc, _ := module.EscapePath(m.Path)
	zr, err := zip.OpenReader(filepath.Join(proxy, filepath.FromSlash(esc), "@v", m.Version+".zip"))
	if err != nil {
		return err
	}
	defer zr.Close()
	prefix := m.Path + "@" + m.Version + "/"
	for _, f := range zr.File {
		name, ok := strings.CutPrefix(f.Name, prefix)
		if !ok {
			return fmt.Errorf("%s: zip entry %s outside %s", m.Dir, f.Name, prefix)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// consumer builds a module outside the repository that imports every
// public library package of m (and nothing else of the repository), with
// no replace directive, and checks which modules its build compiles.
func (r *Repo) consumer(tmp, modDir string, m Module, goline string, env []string) error {
	out, err := output(modDir, env, "go", "list", "-f", "{{.ImportPath}} {{.Name}}", "./...")
	if err != nil {
		return err
	}
	var imports []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		path, name, _ := strings.Cut(line, " ")
		if name == "main" || strings.Contains(path+"/", "/internal/") || strings.Contains(path, "/testdata/") {
			continue
		}
		imports = append(imports, path)
	}
	if len(imports) == 0 {
		return fmt.Errorf("%s has no library package", m.Dir)
	}
	dir := filepath.Join(tmp, "consumers", m.Dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var src strings.Builder
	src.WriteString("// A consumer outside the repository.\npackage main\n\nimport (\n")
	for _, p := range imports {
		fmt.Fprintf(&src, "\t_ %q\n", p)
	}
	src.WriteString(")\n\nfunc main() {}\n")
	gomod := fmt.Sprintf("module example.com/consumer/%s\n\ngo %s\n", m.Dir, goline)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src.String()), 0o644); err != nil {
		return err
	}
	if err := run(dir, env, "go", "get", m.Path+"@"+m.Version); err != nil {
		return err
	}
	if err := run(dir, env, "go", "mod", "tidy"); err != nil {
		return err
	}
	if err := run(dir, env, "go", "build", "./..."); err != nil {
		return err
	}
	gm, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if strings.Contains(string(gm), "replace") {
		return fmt.Errorf("consumer of %s needed a replace directive", m.Dir)
	}
	deps, err := output(dir, env, "go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", ".")
	if err != nil {
		return err
	}
	compiled := map[string]bool{}
	for _, p := range strings.Fields(deps) {
		if !strings.HasPrefix(p, "example.com/consumer/") {
			compiled[p] = true
		}
	}
	all, err := output(dir, env, "go", "list", "-m", "all")
	if err != nil {
		return err
	}
	graphSize := len(strings.Split(strings.TrimSpace(all), "\n")) - 1
	fmt.Fprintf(os.Stderr, "    consumer of %s compiles %d modules: %s; its module graph holds %d\n", m.Dir, len(compiled), strings.Join(sortedKeys(compiled), " "), graphSize)
	allowed, ok := Allowed[m.Dir]
	if !ok {
		return nil
	}
	okMods := map[string]bool{}
	for _, a := range allowed {
		if a != "go-redis" {
			okMods[Prefix+a] = true
			continue
		}
		graph, err := output(dir, env, "go", "mod", "graph")
		if err != nil {
			return err
		}
		for _, p := range closure(graph, goRedis) {
			okMods[p] = true
		}
	}
	var extra []string
	for p := range compiled {
		if !okMods[p] {
			extra = append(extra, p)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		return fmt.Errorf("a consumer that picks %s compiles packages of %s", m.Dir, strings.Join(extra, ", "))
	}
	if m.Dir != "engine" {
		// The pure modules must not even bring a third-party module into
		// a consumer's module graph.
		for _, line := range strings.Split(strings.TrimSpace(all), "\n")[1:] {
			if p := strings.Fields(line)[0]; !strings.HasPrefix(p, Prefix) {
				return fmt.Errorf("a consumer that picks %s has %s in its module graph", m.Dir, p)
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// newestGoRedis tests a copy of the engine module with go-redis raised to
// NewestGoRedis, with the Go of this machine (go-redis v9.23.0 needs Go
// 1.26, above the engine's own go line).
func newestGoRedis(src, dst string, env []string) error {
	if err := copyModule(src, dst); err != nil {
		return err
	}
	if err := run(dst, env, "go", "get", goRedis+"@"+NewestGoRedis); err != nil {
		return err
	}
	return run(dst, env, "go", "test", "-count=1", "./...")
}

// closure returns root and every module it requires, transitively, by
// path, from the output of go mod graph ("a@v b@w" lines).
func closure(graph, root string) []string {
	next := map[string][]string{}
	for _, line := range strings.Split(graph, "\n") {
		from, to, ok := strings.Cut(line, " ")
		if ok {
			f, _, _ := strings.Cut(from, "@")
			t, _, _ := strings.Cut(to, "@")
			next[f] = append(next[f], t)
		}
	}
	seen := map[string]bool{root: true}
	out := []string{root}
	for i := 0; i < len(out); i++ {
		for _, m := range next[out[i]] {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}
