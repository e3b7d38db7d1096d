package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

var (
	mdLink  = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	specRef = regexp.MustCompile(`SPEC(\.md)?\s*§\s*(\d+)`)
)

// specSections is the number of sections of conformance/SPEC.md.
const specSections = 10

// VerifyDocs checks that the repository's documents and code point
// inside the repository: every relative Markdown link names a file or
// directory of the tree, and every "SPEC §N" reference is written
// "SPEC.md §N" with N a section of conformance/SPEC.md.
func (r *Repo) VerifyDocs() error {
	var errs []error
	if _, ok := r.Module("conformance"); ok {
		if _, err := os.Stat(filepath.Join(r.Root, "conformance", "SPEC.md")); err != nil {
			errs = append(errs, fmt.Errorf("conformance/SPEC.md missing"))
		}
	}
	err := filepath.WalkDir(r.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if e.Name() == ".git" || e.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(p)
		if ext != ".md" && ext != ".go" && ext != ".txtar" && ext != ".yml" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(r.Root, p)
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range specRef.FindAllStringSubmatch(line, -1) {
				n, _ := strconv.Atoi(m[2])
				if m[1] == "" || n < 1 || n > specSections {
					errs = append(errs, fmt.Errorf("%s:%d: %q: cite conformance/SPEC.md §1-%d as \"SPEC.md §N\"", rel, i+1, m[0], specSections))
				}
			}
			if ext != ".md" {
				continue
			}
			for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				target, _, _ = strings.Cut(target, "#")
				abs := filepath.Join(filepath.Dir(p), filepath.FromSlash(target))
				inside, _ := filepath.Rel(r.Root, abs)
				if inside == ".." || strings.HasPrefix(inside, ".."+string(filepath.Separator)) {
					errs = append(errs, fmt.Errorf("%s:%d: link %s leaves the repository", rel, i+1, m[1]))
				} else if _, err := os.Stat(abs); err != nil {
					errs = append(errs, fmt.Errorf("%s:%d: link %s: no such file", rel, i+1, m[1]))
				}
			}
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
