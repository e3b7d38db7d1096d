package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/lint"
	ucli "github.com/urfave/cli/v2"
)

// functions is whether the command works with Redis 7 functions: the
// global --functions, or --library, which implies it.
func functions(c *ucli.Context) bool {
	return c.Bool("functions") || c.String("library") != ""
}

func (e *env) load(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("load takes no arguments")
	}
	if c.String("redis") == "" && e.getenv("REDIS_URL") == "" {
		return usagef("load needs --redis or REDIS_URL: loading scripts into an embedded Redis that is gone at exit does nothing")
	}
	l, done, err := e.loader(c)
	if err != nil {
		return err
	}
	defer done()
	all, err := l.LoadAll()
	if err != nil {
		return e.loadErr(c, err)
	}
	if len(all) == 0 {
		return usagef("no scripts (*.lua) under --dir %s", c.String("dir"))
	}
	client, closeClient, err := e.connect(c)
	if err != nil {
		return err
	}
	defer closeClient()
	names := make([]string, 0, len(all))
	list := make([]*resolve.Script, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		list = append(list, all[n])
	}
	if functions(c) {
		return e.loadFunctions(c, client, all)
	}
	if err := engine.New(client).Preload(c.Context, list...); err != nil {
		return e.callErr(c, err)
	}
	for _, s := range list {
		fmt.Fprintf(e.stdout, "%s  %s\n", s.SHA1(), s.Name())
	}
	return nil
}

// funcWord is a script name as a library name's word.
func funcWord(name string) string {
	return regexp.MustCompile(`[^A-Za-z0-9_]`).ReplaceAllString(name, "_")
}

// loadFunctions loads the entry points (the scripts no other includes)
// as one function library, on every master of a cluster, and prints
// "function  script" lines.
func (e *env) loadFunctions(c *ucli.Context, client redis.UniversalClient, all map[string]*resolve.Script) error {
	name := c.String("library")
	if name == "" {
		abs, _ := filepath.Abs(c.String("dir"))
		name = regexp.MustCompile(`[^A-Za-z0-9_]`).ReplaceAllString(filepath.Base(abs), "_")
	}
	lib, err := engine.NewLibrary(name, lint.Entries(all)...)
	if err != nil {
		return usagef("load --functions: %v", err)
	}
	load := func(ctx context.Context, c redis.Cmdable) error {
		err := c.FunctionLoad(ctx, lib.Code).Err()
		if err != nil && strings.Contains(err.Error(), "already exists") {
			return nil // the same content: its name says so
		}
		return err
	}
	if cc, ok := client.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(c.Context, func(ctx context.Context, m *redis.Client) error { return load(ctx, m) })
	} else {
		err = load(c.Context, client)
	}
	if err != nil {
		return failErr("FUNCTION LOAD "+lib.Name, err, e.redisURL(c))
	}
	fmt.Fprintf(e.stdout, "library %s\n", lib.Name)
	scripts := make([]string, 0, len(lib.Functions))
	for s := range lib.Functions {
		scripts = append(scripts, s)
	}
	sort.Strings(scripts)
	for _, s := range scripts {
		fmt.Fprintf(e.stdout, "%s  %s\n", lib.Functions[s], s)
	}
	return nil
}
