package raw

import (
	"context"
	_ "embed"

	"github.com/redis/go-redis/v9"
	"luasrc"
)

//go:embed release.lua
var localSrc []byte // want localSrc:"raw script release.lua"

func embeddedScripts(ctx context.Context, rdb *redis.Client) {
	rdb.Eval(ctx, luasrc.ReleaseSrc, []string{"l"}) // want `Eval of a script with redislua directives \(%key on line 1 of lua/release.lua\)`
	rdb.Eval(ctx, string(localSrc), nil)            // want `Eval of a script with redislua directives \(%arg on line 2 of release.lua\)`
	rdb.Eval(ctx, luasrc.PlainSrc, nil)             // plain Lua is fine
}
