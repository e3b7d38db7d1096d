package user

import (
	"context"

	"github.com/redislua/redislua/engine"
	"scripts"
)

func use(ctx context.Context, e *engine.Engine) {
	e.Run(ctx, scripts.Add, map[string]any{"counter": "k", "step": 1})
	e.Run(ctx, scripts.Add, map[string]any{"counter": "k", "setp": "x"}) // want `script add has no parameter "setp"; did you mean "step"\?` `script add needs "step"`
}
