package engine

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// runsShebang reports whether the server runs scripts that start with
// Redis 7's #! flags line, asking it once per engine: a script of no
// writes that declares a flag. miniredis and Redis before 7 refuse it
// (syntax error, unknown shebang), and get the scripts with the line
// blanked. When the question gets no answer (a connection problem), the
// script is sent as rendered.
func (e *Engine) runsShebang(ctx context.Context) bool {
	switch e.shebang.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	err := e.client.Eval(ctx, "#!lua flags=no-writes\nreturn 1", nil).Err()
	var re redis.Error
	switch {
	case err == nil:
		e.shebang.Store(1)
		return true
	case errors.As(err, &re):
		e.shebang.Store(2)
		return false
	}
	return true
}
