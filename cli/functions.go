package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"

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

// libraryName is the function library's name before its version hash:
// --library, else the --dir's base name with every character but
// [A-Za-z0-9_] replaced by _.
func libraryName(c *ucli.Context) string {
	if name := c.String("library"); name != "" {
		return name
	}
	abs, _ := filepath.Abs(c.String("dir"))
	return nonWord.ReplaceAllString(filepath.Base(abs), "_")
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9_]`)

// dirLibrary is the library of the scripts of --dir: its entry points
// (the scripts no other includes) under libraryName, as load --functions
// loads it and run calls through it; all are the scripts by name.
func (e *env) dirLibrary(c *ucli.Context, l *resolve.Loader) (*engine.Library, map[string]*resolve.Script, error) {
	all, err := l.LoadAll()
	if err != nil {
		return nil, nil, e.loadErr(c, err)
	}
	if len(all) == 0 {
		return nil, nil, usagef("no scripts (*.lua) under --dir %s", c.String("dir"))
	}
	lib, err := engine.NewLibrary(libraryName(c), lint.Entries(all)...)
	if err != nil {
		return nil, nil, usagef("--library: %v", err)
	}
	return lib, all, nil
}

// needsRedis7 refuses --functions on the embedded Redis, which has no
// functions (FCALL is an unknown command there).
func (e *env) needsRedis7(c *ucli.Context) error {
	if e.redisURL(c) == "" {
		return usagef("--functions needs Redis 7 (FCALL): the embedded Redis has no functions; give --redis or REDIS_URL")
	}
	return nil
}

// onEveryMaster runs f on the server of client, or on every master of a
// cluster.
func onEveryMaster(ctx context.Context, client redis.UniversalClient, f func(context.Context, *redis.Client) error) error {
	switch cl := client.(type) {
	case *redis.ClusterClient:
		return cl.ForEachMaster(ctx, f)
	case *redis.Client:
		return f(ctx, cl)
	}
	return fmt.Errorf("a %T client", client)
}

// loadFunctions loads the entry points (the scripts no other includes)
// as one function library, through the engine (every master of a
// cluster), and prints "function  script" lines.
func (e *env) loadFunctions(c *ucli.Context, client redis.UniversalClient, l *resolve.Loader) error {
	lib, _, err := e.dirLibrary(c, l)
	if err != nil {
		return err
	}
	if err := engine.New(client, engine.WithFunctions(lib)).LoadLibrary(c.Context); err != nil {
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

// deleteLibrary removes the library name from the server (every master
// of a cluster), where it is.
func deleteLibrary(ctx context.Context, client redis.UniversalClient, name string) error {
	return onEveryMaster(ctx, client, func(ctx context.Context, m *redis.Client) error {
		err := m.FunctionDelete(ctx, name).Err()
		if err != nil && strings.Contains(err.Error(), "not exist") {
			return nil
		}
		return err
	})
}

// madeLibrary is a library on the server that this tool made: named
// NAME_<8 hex>, each of its functions NAME_<8 hex>__<script>.
type madeLibrary struct {
	Library   string   `json:"library"` // NAME_<8 hex>
	Name      string   `json:"name"`    // NAME
	Version   string   `json:"version"` // the 8 hex
	Functions []string `json:"functions"`
	Current   *bool    `json:"current"` // whether it is the library of --dir's scripts (null: --dir does not load)
}

var madeName = regexp.MustCompile(`^([A-Za-z0-9_]+)_([0-9a-f]{8})$`)

// madeLibraries lists the libraries this tool made on the server (every
// master of a cluster, once each), by name.
func madeLibraries(ctx context.Context, client redis.UniversalClient) ([]madeLibrary, error) {
	var mu sync.Mutex
	byName := map[string]madeLibrary{}
	err := onEveryMaster(ctx, client, func(ctx context.Context, m *redis.Client) error {
		libs, err := m.FunctionList(ctx, redis.FunctionListQuery{}).Result()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, lib := range libs {
			match := madeName.FindStringSubmatch(lib.Name)
			if match == nil || len(lib.Functions) == 0 {
				continue
			}
			ml := madeLibrary{Library: lib.Name, Name: match[1], Version: match[2], Functions: []string{}}
			for _, f := range lib.Functions {
				script, ok := strings.CutPrefix(f.Name, lib.Name+"__")
				if !ok {
					ml = madeLibrary{}
					break
				}
				ml.Functions = append(ml.Functions, script)
			}
			if ml.Library != "" {
				sort.Strings(ml.Functions)
				byName[ml.Library] = ml
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	list := make([]madeLibrary, 0, len(byName))
	for _, ml := range byName {
		list = append(list, ml)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Library < list[j].Library })
	return list, nil
}

func (e *env) functionsCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "functions",
		Usage: "list and prune the Redis 7 function libraries redis-lua loaded",
		Description: `A library is NAME_<8 hex of its content> (load --functions, --library NAME,
default the --dir's base name): each version of the scripts is a library
of its own, so that two versions of an application run side by side.

  functions list            the libraries redis-lua made on the server: name, version,
                            functions, and whether each is the current one of --dir's scripts
  functions prune --library NAME [--dry-run]
                            remove NAME's libraries other than the current one, naming each

Other deployments (an older version of the application still running)
may still call an older library: prune once they are gone.

Examples:
  redis-lua -u localhost:6379 --dir cli/examples/lua functions list
  redis-lua -u localhost:6379 --dir cli/examples/lua functions prune --library app --dry-run`,
		Action: func(c *ucli.Context) error {
			return usagef("functions needs list or prune")
		},
		Subcommands: []*ucli.Command{
			{
				Name:  "list",
				Usage: "list the function libraries redis-lua made on the server",
				Flags: []ucli.Flag{
					&ucli.BoolFlag{Name: "json", Usage: `machine output: [{"library","name","version","functions","current"}]`},
				},
				Action: e.functionsList,
			},
			{
				Name:  "prune",
				Usage: "remove the libraries of --library NAME other than the current one (other deployments may still use an older one)",
				Flags: []ucli.Flag{
					&ucli.BoolFlag{Name: "dry-run", Usage: "only name the libraries prune would remove"},
				},
				Action: e.functionsPrune,
			},
		},
	}
}

// functionsClient checks a functions subcommand's arguments and
// connects to the server.
func (e *env) functionsClient(c *ucli.Context) (redis.UniversalClient, func(), error) {
	if c.NArg() > 0 {
		return nil, nil, usagef("functions %s takes no arguments", c.Command.Name)
	}
	if err := e.needsRedis7(c); err != nil {
		return nil, nil, err
	}
	return e.connect(c)
}

func (e *env) functionsList(c *ucli.Context) error {
	client, closeClient, err := e.functionsClient(c)
	if err != nil {
		return err
	}
	defer closeClient()
	libs, err := madeLibraries(c.Context, client)
	if err != nil {
		return failErr("FUNCTION LIST", err, e.redisURL(c))
	}
	// Which one is current: the library of --dir's scripts under each
	// name (nothing when --dir does not load).
	if l, done, err := e.loader(c); err == nil {
		defer done()
		if all, err := l.LoadAll(); err == nil {
			entries := lint.Entries(all)
			currentOf := map[string]string{} // NAME → its current library
			for i := range libs {
				ml := &libs[i]
				cur, ok := currentOf[ml.Name]
				if !ok {
					if lib, err := engine.NewLibrary(ml.Name, entries...); err == nil {
						cur = lib.Name
					}
					currentOf[ml.Name] = cur
				}
				b := ml.Library == cur
				ml.Current = &b
			}
		}
	}
	if c.Bool("json") {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(libs)
	}
	if len(libs) == 0 {
		fmt.Fprintln(e.stderr, "redis-lua: no function library made by redis-lua on the server")
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "LIBRARY\tNAME\tVERSION\t--dir\tFUNCTIONS")
	for _, ml := range libs {
		state := "-"
		if ml.Current != nil {
			state = "other"
			if *ml.Current {
				state = "current"
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", ml.Library, ml.Name, ml.Version, state, strings.Join(ml.Functions, " "))
	}
	return w.Flush()
}

func (e *env) functionsPrune(c *ucli.Context) error {
	name := c.String("library")
	if name == "" {
		return usagef("functions prune needs --library NAME: the libraries it removes are NAME's other than the current one")
	}
	l, done, err := e.loader(c)
	if err != nil {
		return err
	}
	defer done()
	lib, _, err := e.dirLibrary(c, l)
	if err != nil {
		return err
	}
	client, closeClient, err := e.functionsClient(c)
	if err != nil {
		return err
	}
	defer closeClient()
	libs, err := madeLibraries(c.Context, client)
	if err != nil {
		return failErr("FUNCTION LIST", err, e.redisURL(c))
	}
	n := 0
	for _, ml := range libs {
		if ml.Name != name || ml.Library == lib.Name {
			continue
		}
		n++
		if c.Bool("dry-run") {
			fmt.Fprintf(e.stdout, "would remove %s\n", ml.Library)
			continue
		}
		if err := deleteLibrary(c.Context, client, ml.Library); err != nil {
			return failErr("FUNCTION DELETE "+ml.Library, err, e.redisURL(c))
		}
		fmt.Fprintf(e.stdout, "removed %s\n", ml.Library)
	}
	verb := "removed"
	if c.Bool("dry-run") {
		verb = "would remove"
	}
	fmt.Fprintf(e.stderr, "redis-lua: %s %d libraries of %s (kept the current one, %s)\n", verb, n, name, lib.Name)
	return nil
}
