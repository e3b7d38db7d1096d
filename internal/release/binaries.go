package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// executableMagic are the first bytes of the executables a Go build
// writes: ELF, Mach-O (both byte orders, 32 and 64 bits) and PE.
var executableMagic = [][]byte{
	[]byte("\x7fELF"),
	{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf},
	{0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe},
	[]byte("MZ"),
}

// VerifyNoBinaries refuses build outputs among the tree's files: the
// files git tracks, or every file when the tree is not a git work tree.
// A build output in the repository is 8 MB in every clone and lies about
// the source next to it; .gitignore keeps the usual ones out.
func (r *Repo) VerifyNoBinaries() error {
	files, err := r.trackedFiles()
	if err != nil {
		return err
	}
	var bad []string
	for _, f := range files {
		if isExecutable(filepath.Join(r.Root, f)) {
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("build outputs in the tree (git rm --cached them and list them in .gitignore): %s", strings.Join(bad, ", "))
	}
	return nil
}

// trackedFiles lists the files git tracks, relative to the root; every
// file but .git's when the root is not a git work tree.
func (r *Repo) trackedFiles() ([]string, error) {
	if _, err := os.Stat(filepath.Join(r.Root, ".git")); err == nil {
		out, err := exec.Command("git", "-C", r.Root, "ls-files", "-z").Output()
		if err != nil {
			return nil, fmt.Errorf("git ls-files: %w", err)
		}
		return strings.FieldsFunc(string(out), func(c rune) bool { return c == 0 }), nil
	}
	var files []string
	err := filepath.WalkDir(r.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && e.Name() == ".git" {
			return filepath.SkipDir
		}
		if e.Type().IsRegular() {
			rel, _ := filepath.Rel(r.Root, p)
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}

// isExecutable reports whether the file starts as an executable does.
func isExecutable(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false // a tracked file deleted from the work tree
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	for _, m := range executableMagic {
		if n >= len(m) && bytes.Equal(head[:len(m)], m) {
			return true
		}
	}
	return false
}
