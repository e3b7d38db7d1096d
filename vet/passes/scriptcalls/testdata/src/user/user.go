package user

import (
	"context"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
	"scripts"
)

func use(ctx context.Context, e *engine.Engine) {
	e.Run(ctx, scripts.Add, map[string]any{"counter": "k", "step": 1})
	e.Run(ctx, scripts.Add, map[string]any{"counter": "k", "setp": "x"}) // want `script add has no parameter "setp"; did you mean "step"\?` `script add needs "step"`
}

// A package-level copy of another package's script.
var addMain = scripts.Add // want addMain:"script add"

type service struct {
	e   *engine.Engine
	add *resolve.Script // want add:"script add"
}

func copies(ctx context.Context, e *engine.Engine) {
	// A local copy.
	add := scripts.Add
	e.Run(ctx, add, map[string]any{"counter": "k", "setp": 1})    // want `script add has no parameter "setp"; did you mean "step"\?` `script add needs "step"`
	e.Run(ctx, addMain, map[string]any{"countr": "k", "step": 1}) // want `script add has no parameter "countr"; did you mean "counter"\?` `script add needs "counter"`
	// A field set from another package's variable.
	s := service{e: e, add: scripts.Add}
	s.e.Run(ctx, s.add, map[string]any{"counter": "k"}) // want `script add needs "step"`
	// No values for a script that has parameters.
	e.Run(ctx, scripts.Add, nil) // want `script add needs "counter", "step": nil gives none`
}

func constants(ctx context.Context, e *engine.Engine) {
	e.Run(ctx, scripts.Add, map[string]any{"counter": "k", "step": int64(9007199254740993)}) // want `arg step of script add is integer: integer 9007199254740993 is beyond ±2\^53`
	e.Run(ctx, scripts.Add, map[string]any{"counter": "k", "step": 9007199254740993})        // want `arg step of script add is integer: integer 9007199254740993 is beyond ±2\^53`
	e.Run(ctx, scripts.Add, map[string]any{"counter": "k", "step": 1.5})                     // want `arg step of script add is integer: `
	e.Run(ctx, scripts.Add, map[string]any{"counter": 42, "step": 2.0})                      // an integer key, an integral float: fine
}
