package raw

import (
	"context"

	"github.com/redis/go-redis/v9"
)

const createFoo = `%arg size integer
%return dict
return size`

func f(ctx context.Context, rdb *redis.Client, dynamic string) {
	rdb.Eval(ctx, createFoo, nil)                                     // want `Eval of a script with redislua directives \(%arg on line 1\)`
	rdb.EvalRO(ctx, "return 1\n%include \"lib\"\n", nil)              // want `EvalRO of a script with redislua directives \(%include on line 2\)`
	rdb.ScriptLoad(ctx, "%inlcude 'x'")                               // want `ScriptLoad of a script with redislua directives \(a % line on line 1\)`
	_ = redis.NewScript("  %key k\nreturn k")                         // want `NewScript of a script with redislua directives \(%key on line 1\)`
	rdb.Eval(ctx, "return string.format('%d', 5) % 3", nil)           // a % inside Lua is fine
	rdb.Eval(ctx, "return KEYS[1]", []string{"k"})                    // plain Lua is fine
	rdb.Eval(ctx, dynamic, nil)                                       // not a constant: not checked
	rdb.EvalSha(ctx, "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", nil) // a SHA1 is fine
}
