package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// BuildProxy writes a file-system module proxy (the layout GOPROXY=file://
// reads) holding every released module of the working tree at its listed
// version: <path>/@v/list, <v>.info, <v>.mod and <v>.zip, the zip made by
// golang.org/x/mod/zip exactly as the go command makes one from a tag.
func (r *Repo) BuildProxy(out string) error {
	now := time.Now().UTC().Truncate(time.Second)
	for _, m := range r.Modules {
		if err := buildOne(out, filepath.Join(r.Root, m.Dir), m, now); err != nil {
			return err
		}
	}
	return nil
}

func buildOne(out, dir string, m Module, at time.Time) error {
	mv := module.Version{Path: m.Path, Version: m.Version}
	esc, err := module.EscapePath(m.Path)
	if err != nil {
		return err
	}
	vdir := filepath.Join(out, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	base := filepath.Join(vdir, m.Version)
	zf, err := os.Create(base + ".zip")
	if err != nil {
		return err
	}
	if err := modzip.CreateFromDir(zf, mv, dir); err != nil {
		zf.Close()
		return fmt.Errorf("zip %s: %w", m.Dir, err)
	}
	if err := zf.Close(); err != nil {
		return err
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".mod", gomod, 0o644); err != nil {
		return err
	}
	info, _ := json.Marshal(struct {
		Version string
		Time    time.Time
	}{m.Version, at})
	if err := os.WriteFile(base+".info", info, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(vdir, "list"), []byte(m.Version+"\n"), 0o644)
}

// isolate builds the file proxy of the tree under tmp and returns it and
// the Env of go commands that see the modules only through it, with a
// module cache of their own under tmp.
func (r *Repo) isolate(tmp string) (proxy string, env []string, err error) {
	proxy = filepath.Join(tmp, "proxy")
	if err := r.BuildProxy(proxy); err != nil {
		return "", nil, err
	}
	env, err = Env(proxy, filepath.Join(tmp, "modcache"))
	return proxy, env, err
}

// Env is the environment of a go command that sees the modules only
// through a proxy: no workspace, a module cache of its own, the file proxy
// first, then (for third-party modules and toolchains) the download cache
// of this machine's module cache and the usual GOPROXY. GONOSUMDB keeps
// the checksum database out of versions that exist only here.
func Env(proxy, modcache string) ([]string, error) {
	host, err := goEnv("GOMODCACHE")
	if err != nil {
		return nil, err
	}
	upstream, err := goEnv("GOPROXY")
	if err != nil {
		return nil, err
	}
	chain := []string{fileURL(proxy)}
	if host != "" {
		if _, err := os.Stat(filepath.Join(host, "cache", "download")); err == nil {
			chain = append(chain, fileURL(filepath.Join(host, "cache", "download")))
		}
	}
	if upstream != "" && upstream != "off" {
		chain = append(chain, upstream)
	}
	flags, _ := goEnv("GOFLAGS")
	return []string{
		"GOWORK=off",
		"GOPROXY=" + strings.Join(chain, ","),
		"GONOSUMDB=" + strings.TrimSuffix(Prefix, "/"),
		"GOPRIVATE=",
		"GOMODCACHE=" + modcache,
		"GOFLAGS=" + strings.TrimSpace(flags+" -modcacherw"),
		"GOTOOLCHAIN=local",
	}, nil
}

func fileURL(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return "file://" + filepath.ToSlash(abs)
}

func goEnv(name string) (string, error) {
	out, err := output(".", nil, "go", "env", name)
	return strings.TrimSpace(out), err
}
