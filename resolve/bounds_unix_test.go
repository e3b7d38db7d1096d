//go:build unix

package resolve

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFORefused: a FIFO named like a script is refused, not read (a
// read would block forever), through os.DirFS and an os.Root alike.
func TestFIFORefused(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "p.lua"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	os.WriteFile(filepath.Join(dir, "main.lua"), []byte("%include \"p\"\n"), 0o644)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for name, l := range map[string]*Loader{"DirFS": New(os.DirFS(dir)), "Root": New(root.FS())} {
		for _, script := range []string{"p", "main"} {
			done := make(chan error, 1)
			go func() { _, err := l.Load(script); done <- err }()
			select {
			case err := <-done:
				var re *Error
				if !as(err, &re, KindRead) || !errors.Is(err, errNotRegular) || re.File != script+".lua" || !strings.Contains(err.Error(), `cannot read script "p": not a regular file: a named pipe (FIFO)`) {
					t.Errorf("%s: Load(%s) = %v, want a ReadError at %s.lua: not a regular file", name, script, err, script)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: Load(%s) blocks on the FIFO", name, script)
			}
		}
		if _, err := l.LoadAll(); !errors.Is(err, errNotRegular) {
			t.Errorf("%s: LoadAll = %v, want the FIFO refused", name, err)
		}
	}
}

// TestOpenDirConfines: symbolic links inside the tree that lead out of it
// (to a file, a directory, an absolute path) load outside files through
// os.DirFS — what the docs warn of — and are refused by OpenDir.
func TestOpenDirConfines(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	tree := filepath.Join(base, "lua")
	os.MkdirAll(filepath.Join(outside, "dir"), 0o755)
	os.MkdirAll(tree, 0o755)
	os.WriteFile(filepath.Join(outside, "secret.lua"), []byte("return 'TOP SECRET'\n"), 0o644)
	os.WriteFile(filepath.Join(outside, "dir", "x.lua"), []byte("return 'TOP SECRET'\n"), 0o644)
	links := map[string]string{
		"file.lua": "../outside/secret.lua",
		"dir":      "../outside/dir",
		"abs.lua":  filepath.Join(outside, "secret.lua"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(tree, name)); err != nil {
			t.Skip("no symlinks here:", err)
		}
	}
	os.WriteFile(filepath.Join(tree, "main.lua"), []byte("%include \"file\"\n"), 0o644)
	os.WriteFile(filepath.Join(tree, "inside.lua"), []byte("return 1\n"), 0o644)
	l, err := OpenDir(tree)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, name := range []string{"file", "dir/x", "abs", "main"} {
		if s, err := New(os.DirFS(tree)).Load(name); err != nil || !strings.Contains(s.Source(), "TOP SECRET") {
			t.Errorf("os.DirFS: Load(%s) = %v; the docs say it follows the link out", name, err)
		}
		s, err := l.Load(name)
		var ee *Error
		if !as(err, &ee, KindEscape) || s != nil {
			t.Errorf("OpenDir: Load(%s) = %v, want an EscapeError", name, err)
		}
	}
	if s, err := l.Load("inside"); err != nil || s.Source() != "return 1" {
		t.Errorf("OpenDir: Load(inside) = %v", err)
	}
	if _, err := OpenDir(filepath.Join(base, "missing")); err == nil {
		t.Error("OpenDir of a missing directory: no error")
	}
}
