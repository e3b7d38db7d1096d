package cli

import (
	ucli "github.com/urfave/cli/v2"
)

// functions is whether the command works with Redis 7 functions: the
// global --functions, or --library, which implies it.
func functions(c *ucli.Context) bool {
	return c.Bool("functions") || c.String("library") != ""
}
