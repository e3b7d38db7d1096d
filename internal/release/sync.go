package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Sync makes every go.mod require each sibling at its listed version and
// go.work bind exactly the listed versions to their directories. It is
// what `release bump` runs after changing versions.txt; run alone it
// repairs a tree that Verify rejects for versions.
func (r *Repo) Sync() error {
	work, err := r.WorkModules()
	if err != nil {
		return err
	}
	for _, d := range work {
		dir := filepath.Join(r.Root, d)
		f, err := readMod(filepath.Join(dir, "go.mod"))
		if err != nil {
			return err
		}
		var args []string
		for _, rep := range f.Replace {
			if strings.HasPrefix(rep.Old.Path, Prefix) {
				args = append(args, "-dropreplace="+rep.Old.Path)
			}
		}
		for _, req := range f.Require {
			if sib, ok := r.byPath(req.Mod.Path); ok && req.Mod.Version != sib.Version {
				args = append(args, "-require="+sib.Path+"@"+sib.Version)
			}
		}
		if len(args) > 0 {
			if err := run(dir, nil, "go", append([]string{"mod", "edit"}, args...)...); err != nil {
				return err
			}
		}
	}
	wf, err := r.readWork()
	if err != nil {
		return err
	}
	var args []string
	for _, rep := range wf.Replace {
		if strings.HasPrefix(rep.Old.Path, Prefix) {
			old := rep.Old.Path
			if rep.Old.Version != "" {
				old += "@" + rep.Old.Version
			}
			args = append(args, "-dropreplace="+old)
		}
	}
	for _, m := range r.Modules {
		args = append(args, "-replace="+m.Path+"@"+m.Version+"=./"+m.Dir)
	}
	return run(r.Root, nil, "go", append([]string{"work", "edit"}, args...)...)
}

// run runs a command in dir with env added to the process's environment,
// its output going to the process's stderr.
func run(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %s %s: %w", dir, name, strings.Join(args, " "), err)
	}
	return nil
}

// output runs a command like run and returns its standard output.
func output(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s: %s %s: %w", dir, name, strings.Join(args, " "), err)
	}
	return string(out), nil
}
