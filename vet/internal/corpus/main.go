// Command corpus lints a directory of third-party Redis scripts, as
// BENCHMARKS.md ("The linter on production scripts") measures it: every
// *.lua file under DIR, with the "--- @include" lines of bullmq-style
// loaders expanded (each file once, relative to the including file), is
// loaded as one script and linted (target redis-7.0). It prints one line
// per finding, "path:line:col: (CODE) severity: message", and a summary
// (errors, findings per code) on stderr.
// With CORPUS_OUT=DIR it also writes each expanded script there, for
// luacheck.
//
//	go run ./vet/internal/corpus build MANIFEST MIRRORS OUT
//	go run ./vet/internal/corpus DIR
//	go run ./vet/internal/corpus -luacheckrc   (luacheck's config for Redis 7)
//
// build writes the scripts a manifest lists (manifest.txt: repository,
// commit, path) into OUT, from git mirrors of the repositories in
// MIRRORS/<owner+name>/repo (what the fetch tool brings): a Go file's
// path ends with #NewScriptN or #scriptN for the N-th Lua string in it,
// and a "unit" line concatenates files into the one script their
// project builds (qless-core's qless.lua), the parts moved under shared/.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/lint"
)

// The include forms of the projects measured: bullmq's loader
// ("--- @include "includes/x"", .lua added) and sidekiq-unique-jobs's
// ERB templates (<%= include_partial "shared/_x.lua" %>).
var includeRE = regexp.MustCompile(`(?m)^---\s*@include\s+"([^"]+)"\s*$|<%=\s*include_partial\s+"([^"]+)"\s*%>`)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-luacheckrc" {
		luacheckrc()
		return
	}
	if len(os.Args) == 5 && os.Args[1] == "build" {
		if err := build(os.Args[2], os.Args[3], os.Args[4]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: corpus DIR | corpus -luacheckrc")
		os.Exit(2)
	}
	root := os.Args[1]
	fsys := os.DirFS(root)
	var files []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lua") && !strings.Contains(p, "/includes/") && !strings.Contains(p, "/shared/") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	counts := map[string]int{}
	loadErrors, errorsN := 0, 0
	for _, p := range files {
		src := expand(fsys, p, map[string]bool{})
		if out := os.Getenv("CORPUS_OUT"); out != "" {
			// The expanded scripts, for luacheck to read the same code.
			dst := filepath.Join(out, filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(dst), 0o755)
			os.WriteFile(dst, []byte(src), 0o644)
		}
		// A line that starts with % is a redislua directive; production
		// scripts have none, but a Lua line may start with one (rare):
		// such a script is counted, not linted.
		s, err := resolve.New(nil).Parse("script", src)
		if err != nil {
			loadErrors++
			fmt.Printf("%s: (LOAD) %v\n", p, err)
			continue
		}
		for _, f := range lint.Lint(s) {
			counts[f.Code]++
			if f.Severity == lint.Error {
				errorsN++
			}
			fmt.Printf("%s:%d:%d: (%s) %s: %s\n", p, f.Pos.Line, f.Pos.Col, f.Code, f.Severity, f.Message)
		}
	}
	var codes []string
	for c := range counts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	fmt.Fprintf(os.Stderr, "%d scripts, %d not loaded, %d errors;", len(files), loadErrors, errorsN)
	for _, c := range codes {
		fmt.Fprintf(os.Stderr, " %s %d", c, counts[c])
	}
	fmt.Fprintln(os.Stderr)
}

// expand returns file p with its "--- @include" lines replaced by the
// files they name, each file once.
func expand(fsys fs.FS, p string, seen map[string]bool) string {
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return ""
	}
	return includeRE.ReplaceAllStringFunc(string(b), func(line string) string {
		m := includeRE.FindStringSubmatch(line)
		target := path.Join(path.Dir(p), filepath.ToSlash(m[1])) + ".lua"
		if m[2] != "" {
			target = path.Join(path.Dir(p), filepath.ToSlash(m[2]))
		}
		name := target
		if seen[target] {
			return "-- (included above) " + name
		}
		seen[target] = true
		return expand(fsys, target, seen)
	})
}

// luacheckrc prints a luacheck configuration that knows exactly the
// globals and library fields of Redis 7 (the redis-7.0 table), all
// read-only, and nothing else: luacheck "with a Redis 7 config".
func luacheckrc() {
	fmt.Println("std = 'none'")
	fmt.Println("read_globals = {")
	t := commands.Default()
	for _, g := range t.Globals() {
		fields := t.Fields(g)
		if len(fields) == 0 || g == "KEYS" || g == "ARGV" {
			fmt.Printf("  %q,\n", g)
			continue
		}
		var fs []string
		for _, f := range fields {
			fs = append(fs, fmt.Sprintf("%q", f))
		}
		fmt.Printf("  %s = {fields = {%s}},\n", g, strings.Join(fs, ", "))
	}
	fmt.Println("}")
}

// The Lua strings of a Go file: the argument of redis.NewScript, or a
// raw string that starts like a script and calls redis.
var (
	newScriptRE = regexp.MustCompile("(?s)NewScript\\([^`]*`(.*?)`")
	rawScriptRE = regexp.MustCompile("(?s)(?:=|:)\\s*`(\\s*(?:local|redis\\.call|if|return)[^`]*)`")
)

func build(manifest, mirrors, out string) error {
	data, err := os.ReadFile(manifest)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0 || strings.HasPrefix(f[0], "#"):
			continue
		case f[0] == "unit" && len(f) > 3:
			if err := unit(filepath.Join(out, f[1]), f[2], f[3:]); err != nil {
				return err
			}
			continue
		case len(f) != 3:
			return fmt.Errorf("manifest line %q: want repository commit path", line)
		}
		repo, commit, p := f[0], f[1], f[2]
		gitDir := filepath.Join(mirrors, repo, "repo")
		if fi, err := os.Stat(filepath.Join(gitDir, ".git")); err == nil && fi.IsDir() {
			gitDir = filepath.Join(gitDir, ".git")
		}
		file, frag, _ := strings.Cut(p, "#")
		text, err := exec.Command("git", "--git-dir="+gitDir, "show", commit+":"+file).Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "skipped %s %s: %v\n", repo, p, err)
			continue
		}
		dst := filepath.Join(out, repo, filepath.FromSlash(file))
		if frag != "" {
			var n int
			re := rawScriptRE
			if _, err := fmt.Sscanf(frag, "NewScript%d", &n); err == nil {
				re = newScriptRE
			} else if _, err := fmt.Sscanf(frag, "script%d", &n); err != nil {
				return fmt.Errorf("manifest line %q: fragment %q", line, frag)
			}
			all := re.FindAllSubmatch(text, -1)
			if n < 1 || n > len(all) {
				fmt.Fprintf(os.Stderr, "skipped %s %s: %d scripts in the file\n", repo, p, len(all))
				continue
			}
			text = all[n-1][1]
			dst = fmt.Sprintf("%s.%d.lua", dst, n)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, text, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// unit concatenates parts (in dir) into the script name, and moves the
// parts under dir/shared, where they are not linted alone.
func unit(dir, name string, parts []string) error {
	var all []byte
	for _, p := range parts {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			return err
		}
		all = append(all, b...)
		os.MkdirAll(filepath.Join(dir, "shared"), 0o755)
		if err := os.Rename(filepath.Join(dir, p), filepath.Join(dir, "shared", p)); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, name), all, 0o644)
}
