package main

import (
	"bytes"
	"fmt"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/exp/apidiff"
	"golang.org/x/mod/semver"
	"golang.org/x/tools/go/packages"
)

// Bump releases one module at version: it compares the module's API with
// its previous release (the commit that last changed its line in
// versions.txt, since tags need not travel with clones) and refuses a
// version that does not say what changed; then it updates versions.txt,
// every requirer's go.mod and go.work, adds the CHANGELOG entry, commits
// and tags <dir>/<version>. With dry set it stops before the commit.
func (r *Repo) Bump(dir, version string, dry bool) error {
	m, ok := r.Module(dir)
	if !ok {
		return fmt.Errorf("versions.txt lists no module %q", dir)
	}
	if !semver.IsValid(version) || semver.Canonical(version) != version {
		return fmt.Errorf("%q is not a canonical semantic version (vX.Y.Z)", version)
	}
	if semver.Compare(version, m.Version) <= 0 {
		return fmt.Errorf("%s is at %s; %s is not newer", dir, m.Version, version)
	}
	if semver.Major(version) != semver.Major(m.Version) && semver.Major(m.Version) != "v0" {
		return fmt.Errorf("%s → %s: a major version from v2 on needs the module path %s/%s", m.Version, version, m.Path, semver.Major(version))
	}
	if err := r.Verify(); err != nil {
		return fmt.Errorf("the tree is not releasable:\n%w", err)
	}
	base, err := r.releaseCommit(dir)
	if err != nil {
		return err
	}
	var report apidiff.Report
	if base == "" {
		fmt.Fprintf(os.Stderr, "%s: no earlier release in history; no API comparison\n", dir)
	} else {
		report, err = r.APIDiff(*m, base)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: API changes since %s (%s):\n%s", dir, m.Version, base[:12], reportText(report))
		if err := CheckBump(m.Version, version, report); err != nil {
			return err
		}
	}
	var log string
	if base != "" {
		log, err = output(r.Root, nil, "git", "log", "--no-merges", "--format=- %s", base+"..HEAD", "--", dir)
		if err != nil {
			return err
		}
	}
	old := m.Version
	m.Version = version
	if err := os.WriteFile(filepath.Join(r.Root, "versions.txt"), FormatVersions(r.Modules), 0o644); err != nil {
		return err
	}
	if err := r.Sync(); err != nil {
		return err
	}
	clPath := filepath.Join(r.Root, dir, "CHANGELOG.md")
	cl, _ := os.ReadFile(clPath)
	entry := ChangelogEntry(version, time.Now().UTC(), log, report)
	if err := os.WriteFile(clPath, AddEntry(cl, dir, entry), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %s → %s\n%s", dir, old, version, entry)
	if dry {
		fmt.Fprintln(os.Stderr, "-n: files changed; no commit, no tag")
		return nil
	}
	tag := dir + "/" + version
	if err := run(r.Root, nil, "git", "add", "-A", "--", "versions.txt", "go.work", dir); err != nil {
		return err
	}
	for _, d := range r.requirers(m.Path) {
		if err := run(r.Root, nil, "git", "add", "--", filepath.Join(d, "go.mod")); err != nil {
			return err
		}
	}
	if err := run(r.Root, nil, "git", "commit", "-m", fmt.Sprintf("%s: release %s", dir, version)); err != nil {
		return err
	}
	return run(r.Root, nil, "git", "tag", "-a", tag, "-m", tag)
}

// releaseCommit returns the commit that last changed dir's line in
// versions.txt, or "" when history has none.
func (r *Repo) releaseCommit(dir string) (string, error) {
	out, err := output(r.Root, nil, "git", "log", "-n", "1", "--format=%H", "-G", "^"+dir+" v", "--", "versions.txt")
	return strings.TrimSpace(out), err
}

// requirers returns the module directories whose go.mod requires path.
func (r *Repo) requirers(path string) []string {
	work, _ := r.WorkModules()
	var out []string
	for _, d := range work {
		f, err := readMod(filepath.Join(r.Root, d, "go.mod"))
		if err != nil {
			continue
		}
		for _, req := range f.Require {
			if req.Mod.Path == path {
				out = append(out, d)
			}
		}
	}
	return out
}

// CheckBump refuses a version that understates the changes: an
// incompatible change needs a new major version (while a module is v0, the
// minor version plays that part, as Go's tools read v0); an addition needs
// at least a new minor version.
func CheckBump(old, new string, report apidiff.Report) error {
	var breaking, added int
	for _, c := range report.Changes {
		if c.Compatible {
			added++
		} else {
			breaking++
		}
	}
	newMajor := semver.Major(new) != semver.Major(old)
	newMinor := newMajor || semver.MajorMinor(new) != semver.MajorMinor(old)
	switch {
	case breaking > 0 && semver.Major(old) == "v0" && !newMinor:
		return fmt.Errorf("%d incompatible API changes need at least %s (a v0 module breaks in its minor version)", breaking, nextMinor(old))
	case breaking > 0 && semver.Major(old) != "v0" && !newMajor:
		return fmt.Errorf("%d incompatible API changes need a new major version (and module path)", breaking)
	case added > 0 && !newMinor:
		return fmt.Errorf("%d API additions need at least %s, not a patch release", added, nextMinor(old))
	}
	return nil
}

func nextMinor(v string) string {
	var maj, min int
	fmt.Sscanf(semver.MajorMinor(v), "v%d.%d", &maj, &min)
	return fmt.Sprintf("v%d.%d.0", maj, min+1)
}

// APIDiff compares the public packages of m at the release commit with
// the working tree. The old tree is loaded in a workspace of its own that
// binds its siblings to today's working tree, so only m's own API differs.
func (r *Repo) APIDiff(m Module, commit string) (apidiff.Report, error) {
	tmp, err := os.MkdirTemp("", "redislua-apidiff-")
	if err != nil {
		return apidiff.Report{}, err
	}
	defer os.RemoveAll(tmp)
	archive := filepath.Join(tmp, "old.tar")
	if err := run(r.Root, nil, "git", "archive", "-o", archive, commit, "--", m.Dir); err != nil {
		return apidiff.Report{}, err
	}
	if err := run(tmp, nil, "tar", "-xf", archive); err != nil {
		return apidiff.Report{}, err
	}
	var work bytes.Buffer
	fmt.Fprintf(&work, "go 1.26.0\n\nuse ./%s\n\n", m.Dir)
	for _, s := range r.Modules {
		if s.Dir != m.Dir {
			fmt.Fprintf(&work, "replace %s => %s\n", s.Path, filepath.Join(r.Root, s.Dir))
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "go.work"), work.Bytes(), 0o644); err != nil {
		return apidiff.Report{}, err
	}
	oldPkgs, err := loadAPI(filepath.Join(tmp, m.Dir), []string{"GOWORK=" + filepath.Join(tmp, "go.work")})
	if err != nil {
		return apidiff.Report{}, fmt.Errorf("%s at %s: %w", m.Dir, commit[:12], err)
	}
	newPkgs, err := loadAPI(filepath.Join(r.Root, m.Dir), nil)
	if err != nil {
		return apidiff.Report{}, err
	}
	return apidiff.ModuleChanges(&apidiff.Module{Path: m.Path, Packages: oldPkgs}, &apidiff.Module{Path: m.Path, Packages: newPkgs}), nil
}

// loadAPI type-checks the public library packages of the module in dir.
func loadAPI(dir string, env []string) ([]*types.Package, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedImports | packages.NeedDeps | packages.NeedModule,
		Dir:  dir,
		Env:  append(os.Environ(), env...),
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		return nil, err
	}
	var out []*types.Package
	var errs []string
	for _, p := range pkgs {
		for _, e := range p.Errors {
			errs = append(errs, e.Error())
		}
		if p.Name == "main" || strings.Contains(p.PkgPath+"/", "/internal/") || p.Types == nil {
			continue
		}
		out = append(out, p.Types)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

func reportText(r apidiff.Report) string {
	if len(r.Changes) == 0 {
		return "  (none)\n"
	}
	var b strings.Builder
	for _, c := range r.Changes {
		kind := "compatible"
		if !c.Compatible {
			kind = "INCOMPATIBLE"
		}
		fmt.Fprintf(&b, "  %s: %s\n", kind, c.Message)
	}
	return b.String()
}
