package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// Prefix is the path every module of the repository starts with.
const Prefix = "github.com/redislua/redislua/"

// A Module is one released module: its directory under the repository
// root, its module path and its current version from versions.txt.
type Module struct {
	Dir     string // "resolve"
	Path    string // "github.com/redislua/redislua/resolve"
	Version string // "v0.1.0"
}

// Repo is the repository root and what versions.txt says.
type Repo struct {
	Root    string
	Modules []Module // in versions.txt order
}

// ReadRepo reads versions.txt under root.
func ReadRepo(root string) (*Repo, error) {
	data, err := os.ReadFile(filepath.Join(root, "versions.txt"))
	if err != nil {
		return nil, err
	}
	mods, err := ParseVersions(data)
	if err != nil {
		return nil, err
	}
	return &Repo{Root: root, Modules: mods}, nil
}

// ParseVersions parses versions.txt: one "<dir> <version>" line per
// module; blank lines and lines starting with # are ignored.
func ParseVersions(data []byte) ([]Module, error) {
	var mods []Module
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("versions.txt:%d: want \"<dir> <version>\", got %q", n, line)
		}
		dir, v := f[0], f[1]
		if !semver.IsValid(v) || semver.Canonical(v) != v || semver.Build(v) != "" {
			return nil, fmt.Errorf("versions.txt:%d: %q is not a canonical semantic version (vX.Y.Z)", n, v)
		}
		if strings.Contains(dir, "\\") || filepath.IsAbs(dir) || strings.Contains(dir, "..") {
			return nil, fmt.Errorf("versions.txt:%d: %q is not a module directory", n, dir)
		}
		if prev, ok := seen[dir]; ok {
			return nil, fmt.Errorf("versions.txt:%d: %s listed again (first on line %d)", n, dir, prev)
		}
		seen[dir] = n
		mods = append(mods, Module{Dir: dir, Path: Prefix + dir, Version: v})
	}
	return mods, sc.Err()
}

// FormatVersions is the inverse of ParseVersions.
func FormatVersions(mods []Module) []byte {
	var b bytes.Buffer
	for _, m := range mods {
		fmt.Fprintf(&b, "%s %s\n", m.Dir, m.Version)
	}
	return b.Bytes()
}

// Module returns the module of dir.
func (r *Repo) Module(dir string) (*Module, bool) {
	for i := range r.Modules {
		if r.Modules[i].Dir == dir {
			return &r.Modules[i], true
		}
	}
	return nil, false
}

// byPath returns the module with the given module path.
func (r *Repo) byPath(path string) (*Module, bool) {
	return r.Module(strings.TrimPrefix(path, Prefix))
}

// WorkModules returns the directories go.work uses (released or not).
func (r *Repo) WorkModules() ([]string, error) {
	wf, err := r.readWork()
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, u := range wf.Use {
		dirs = append(dirs, filepath.ToSlash(filepath.Clean(u.Path)))
	}
	return dirs, nil
}

func (r *Repo) readWork() (*modfile.WorkFile, error) {
	name := filepath.Join(r.Root, "go.work")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return modfile.ParseWork(name, data, nil)
}

func readMod(name string) (*modfile.File, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return modfile.Parse(name, data, nil)
}

// GoLine returns the go version a module's go.mod declares ("1.24.0").
func GoLine(dir string) (string, error) {
	f, err := readMod(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", err
	}
	if f.Go == nil {
		return "", fmt.Errorf("%s/go.mod has no go line", dir)
	}
	return f.Go.Version, nil
}

// Verify checks the rules of a releasable tree and returns every
// violation: versions.txt names each released module of go.work; no go.mod
// has a replace directive; every requirement of a sibling names its listed
// version; go.work binds each listed version to its directory; no go.sum
// holds a sibling; each released module has its LICENSE and a CHANGELOG
// entry for its version.
func (r *Repo) Verify() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if _, err := os.Stat(filepath.Join(r.Root, "LICENSE")); err != nil {
		bad("LICENSE missing at the repository root")
	}
	work, err := r.WorkModules()
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, d := range work {
		used[d] = true
		if _, ok := r.Module(d); !ok && !strings.HasPrefix(d, "internal/") && d != "examples" {
			bad("go.work uses %s, which versions.txt does not list (only examples and the modules under internal/ are never released)", d)
		}
	}
	for _, m := range r.Modules {
		dir := filepath.Join(r.Root, m.Dir)
		if !used[m.Dir] {
			bad("go.work does not use %s", m.Dir)
		}
		f, err := readMod(filepath.Join(dir, "go.mod"))
		if err != nil {
			bad("%s: %v", m.Dir, err)
			continue
		}
		if f.Module == nil || f.Module.Mod.Path != m.Path {
			bad("%s/go.mod: module path is not %s", m.Dir, m.Path)
		}
		for _, name := range []string{"LICENSE", "CHANGELOG.md"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				bad("%s/%s missing", m.Dir, name)
			}
		}
		if cl, err := os.ReadFile(filepath.Join(dir, "CHANGELOG.md")); err == nil && !HasEntry(cl, m.Version) {
			bad("%s/CHANGELOG.md has no entry for %s", m.Dir, m.Version)
		}
	}
	if err := r.VerifyDocs(); err != nil {
		errs = append(errs, err)
	}
	if err := r.VerifyNoBinaries(); err != nil {
		errs = append(errs, err)
	}
	wf, err := r.readWork()
	if err != nil {
		return err
	}
	want := map[string]string{} // path@version -> ./dir
	for _, m := range r.Modules {
		want[m.Path+"@"+m.Version] = "./" + m.Dir
	}
	for _, rep := range wf.Replace {
		key := rep.Old.Path + "@" + rep.Old.Version
		if dir, ok := want[key]; ok && rep.New.Path == dir && rep.New.Version == "" {
			delete(want, key)
			continue
		}
		bad("go.work: replace %s %s => %s is not a listed version bound to its directory", rep.Old.Path, rep.Old.Version, rep.New.Path)
	}
	for key, dir := range want {
		bad("go.work: no replace %s => %s", strings.Replace(key, "@", " ", 1), dir)
	}
	for _, d := range work {
		dir := filepath.Join(r.Root, d)
		f, err := readMod(filepath.Join(dir, "go.mod"))
		if err != nil {
			bad("%s: %v", d, err)
			continue
		}
		for _, rep := range f.Replace {
			bad("%s/go.mod: replace %s: no go.mod may have a replace directive (go.work binds the siblings)", d, rep.Old.Path)
		}
		for _, req := range f.Require {
			if !strings.HasPrefix(req.Mod.Path, Prefix) {
				continue
			}
			sib, ok := r.byPath(req.Mod.Path)
			switch {
			case !ok:
				bad("%s/go.mod requires %s, which versions.txt does not list", d, req.Mod.Path)
			case req.Mod.Version != sib.Version:
				bad("%s/go.mod requires %s %s; versions.txt says %s", d, req.Mod.Path, req.Mod.Version, sib.Version)
			}
		}
		if sum, err := os.ReadFile(filepath.Join(dir, "go.sum")); err == nil {
			for i, line := range strings.Split(string(sum), "\n") {
				if strings.HasPrefix(line, Prefix) {
					bad("%s/go.sum:%d: a line for sibling %s", d, i+1, strings.Fields(line)[0])
				}
			}
		}
	}
	return errors.Join(errs...)
}

// StripSiblingSums removes the go.sum lines of sibling modules (they are
// bound by go.work in development and downloaded from the proxy with
// GONOSUMDB in the release check).
func StripSiblingSums(data []byte) []byte {
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasPrefix(line, Prefix) {
			out.WriteString(line)
		}
	}
	return out.Bytes()
}
