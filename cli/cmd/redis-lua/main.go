// Command redis-lua renders, inspects, checks and runs Redis Lua scripts
// written with redislua directives. Run "redis-lua --help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/redislua/redislua/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first Ctrl-C cancels the command, which ends promptly
		// (exit 130); a second one kills the process at once.
		<-ctx.Done()
		stop()
	}()
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
