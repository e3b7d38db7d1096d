package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Tidy runs `go mod tidy` on every module of go.work as a consumer would
// see it: alone, with its siblings at their listed versions served by a
// file-system proxy of the tree. The results are written back with the
// siblings' go.sum lines removed. With check set nothing is written: each
// go.mod or go.sum that tidy would change is an error.
func (r *Repo) Tidy(check bool) error {
	tmp, err := os.MkdirTemp("", "redislua-tidy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	_, env, err := r.isolate(tmp)
	if err != nil {
		return err
	}
	work, err := r.WorkModules()
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range work {
		src := filepath.Join(r.Root, d)
		dst := filepath.Join(tmp, "work", d)
		if err := copyModule(src, dst); err != nil {
			return err
		}
		if err := run(dst, env, "go", "mod", "tidy"); err != nil {
			return err
		}
		for _, name := range []string{"go.mod", "go.sum"} {
			old, _ := os.ReadFile(filepath.Join(src, name))
			tidied, _ := os.ReadFile(filepath.Join(dst, name))
			if name == "go.sum" {
				tidied = StripSiblingSums(tidied)
			}
			if bytes.Equal(old, tidied) {
				continue
			}
			if check {
				errs = append(errs, fmt.Errorf("%s/%s is not tidy (run `task tidy`):\n%s", d, name, lineDiff(old, tidied)))
				continue
			}
			target := filepath.Join(src, name)
			if len(tidied) == 0 {
				err = os.Remove(target)
			} else {
				err = os.WriteFile(target, tidied, 0o644)
			}
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			fmt.Fprintf(os.Stderr, "tidied %s/%s\n", d, name)
		}
	}
	return errors.Join(errs...)
}

// copyModule copies the regular files of a module directory, leaving out
// nested modules (directories with their own go.mod) as a module zip does.
func copyModule(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if e.IsDir() {
			if rel != "." {
				if e.Name() == ".git" {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}

// lineDiff lists the lines only in a (-) and only in b (+).
func lineDiff(a, b []byte) string {
	in := func(s []byte) map[string]bool {
		m := map[string]bool{}
		for _, l := range bytes.Split(s, []byte("\n")) {
			m[string(l)] = true
		}
		return m
	}
	ia, ib := in(a), in(b)
	var out bytes.Buffer
	for _, l := range bytes.Split(a, []byte("\n")) {
		if !ib[string(l)] {
			fmt.Fprintf(&out, "-%s\n", l)
		}
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		if !ia[string(l)] {
			fmt.Fprintf(&out, "+%s\n", l)
		}
	}
	return out.String()
}
