// Package engine is a stub of redislua's engine for the analyzer's tests.
package engine

import (
	"context"

	"github.com/redislua/redislua/resolve"
)

type Engine struct{}
type Call struct{}
type Pipeliner interface{}

func (e *Engine) Run(ctx context.Context, s *resolve.Script, values any) *Call { return nil }
func (e *Engine) Queue(ctx context.Context, p Pipeliner, s *resolve.Script, values any) *Call {
	return nil
}

type Ordered []any
