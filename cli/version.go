package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// modulePath is the path of this module; its version in the build info
// is the version of the command.
const modulePath = "github.com/redislua/redislua/cli"

// Version returns the version of the cli module the running binary was
// built from: "v0.1.0" after `go install …/cli/cmd/redis-lua@v0.1.0`,
// "(devel)" for a build from a checkout.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	if bi.Main.Path == modulePath {
		return bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			return d.Version
		}
	}
	return "(devel)"
}

// versionText is what --version prints: the command's version, then the
// Go release and the versions of the modules it was built with.
func versionText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "redis-lua %s\n", Version())
	fmt.Fprintf(&b, "  %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if strings.HasPrefix(d.Path, "github.com/redislua/redislua/") || d.Path == "github.com/redis/go-redis/v9" {
				v := d.Version
				if d.Replace != nil {
					v += " => " + d.Replace.Path
				}
				fmt.Fprintf(&b, "  %s %s\n", d.Path, v)
			}
		}
	}
	return b.String()
}

// versionCommand is "redis-lua version": what --version prints.
func (e *env) versionCommand() *ucli.Command {
	return &ucli.Command{
		Name:        "version",
		Usage:       "print the version of redis-lua and of the modules it was built with (as --version)",
		Description: "Example:\n  redis-lua version",
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("version takes no arguments")
			}
			fmt.Fprint(e.stdout, versionText())
			return nil
		},
	}
}

func init() {
	ucli.VersionPrinter = func(c *ucli.Context) {
		fmt.Fprint(c.App.Writer, versionText())
	}
	ucli.VersionFlag = &ucli.BoolFlag{Name: "version", Usage: "print the version of redis-lua and of the modules it was built with"}
}
