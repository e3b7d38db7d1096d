package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// installs installs both commands with `go install pkg@version` through
// the proxy, as a user would, and uses them outside any module: the
// version they print, the conformance suite from an empty directory (its
// cases ship inside the binary), the cases exported for other harnesses,
// and the vet tool on a consumer package that embeds a broken script.
func (r *Repo) installs(tmp string, env []string) error {
	cli, ok := r.Module("cli")
	if !ok {
		return fmt.Errorf("versions.txt lists no cli")
	}
	vet, ok := r.Module("vet")
	if !ok {
		return fmt.Errorf("versions.txt lists no vet")
	}
	bin := filepath.Join(tmp, "bin")
	empty := filepath.Join(tmp, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return err
	}
	ienv := append(env, "GOBIN="+bin)
	for _, pkg := range []string{cli.Path + "/cmd/redis-lua@" + cli.Version, vet.Path + "/cmd/redis-lua-vet@" + vet.Version} {
		if err := run(empty, ienv, "go", "install", pkg); err != nil {
			return err
		}
	}
	redisLua := filepath.Join(bin, "redis-lua")
	out, err := output(empty, nil, redisLua, "--version")
	if err != nil {
		return err
	}
	if !strings.Contains(out, cli.Version) {
		return fmt.Errorf("redis-lua --version printed %q, want the version %s", strings.TrimSpace(out), cli.Version)
	}
	fmt.Fprintf(os.Stderr, "    redis-lua --version: %s", out)
	report, err := output(empty, []string{"REDIS_URL="}, redisLua, "conformance")
	if err != nil {
		return fmt.Errorf("the installed redis-lua's conformance suite, run from an empty directory: %w\n%s", err, report)
	}
	lines := strings.Split(strings.TrimSpace(report), "\n")
	fmt.Fprintf(os.Stderr, "    redis-lua conformance (from an empty directory): %s\n", lines[len(lines)-1])
	cases := filepath.Join(tmp, "cases")
	if err := run(empty, nil, redisLua, "conformance", "export", cases); err != nil {
		return err
	}
	exported, _ := filepath.Glob(filepath.Join(cases, "*.txtar"))
	if len(exported) == 0 {
		return fmt.Errorf("redis-lua conformance export wrote no case")
	}
	fmt.Fprintf(os.Stderr, "    redis-lua conformance export: %d cases\n", len(exported))
	return vetConsumer(tmp, env, filepath.Join(bin, "redis-lua-vet"))
}

// vetConsumer runs the installed vet tool through `go vet -vettool` on a
// module that embeds one good and one broken script, and wants exactly
// the broken one reported at its file and line.
func vetConsumer(tmp string, env []string, tool string) error {
	dir := filepath.Join(tmp, "vetconsumer")
	files := map[string]string{
		"go.mod":         "module example.com/vetconsumer\n\ngo 1.24.0\n",
		"scripts.go":     "// Package scripts embeds Redis scripts.\npackage scripts\n\nimport \"embed\"\n\n//go:embed lua\nvar FS embed.FS\n",
		"lua/good.lua":   "%key k\n%arg n integer\n%return integer\nreturn redis.call('INCRBY', k, n)\n",
		"lua/broken.lua": "%key k\n%arg n integr\nreturn redis.call('INCRBY', k, n)\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return err
		}
	}
	cmd := exec.Command("go", "vet", "-vettool="+tool, "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		return fmt.Errorf("go vet -vettool=redis-lua-vet passed a package that embeds a broken script:\n%s", out)
	}
	if !strings.Contains(string(out), "broken.lua:2:") || strings.Contains(string(out), "good.lua") {
		return fmt.Errorf("go vet -vettool=redis-lua-vet: want broken.lua:2 reported alone, got:\n%s", out)
	}
	fmt.Fprintf(os.Stderr, "    go vet -vettool=redis-lua-vet: %s", out)
	return nil
}
