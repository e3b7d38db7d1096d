package cli

import (
	"fmt"
	"sort"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
	ucli "github.com/urfave/cli/v2"
)

// load is SCRIPT LOAD of every script, or with --functions (--library)
// FUNCTION LOAD of the scripts as one library (loadFunctions).
func (e *env) load(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("load takes no arguments")
	}
	if e.redisURL(c) == "" {
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
		return e.loadFunctions(c, client, l)
	}
	if err := engine.New(client).Preload(c.Context, list...); err != nil {
		return e.callErr(c, err)
	}
	for _, s := range list {
		fmt.Fprintf(e.stdout, "%s  %s\n", s.SHA1(), s.Name())
	}
	return nil
}
