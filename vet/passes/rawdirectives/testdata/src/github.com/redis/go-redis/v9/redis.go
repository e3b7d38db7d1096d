// Package redis is a stub of go-redis for the analyzer's tests.
package redis

import "context"

type Cmd struct{}
type StringCmd struct{}

type Client struct{}

func (c *Client) Eval(ctx context.Context, script string, keys []string, args ...any) *Cmd {
	return nil
}
func (c *Client) EvalRO(ctx context.Context, script string, keys []string, args ...any) *Cmd {
	return nil
}
func (c *Client) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *Cmd {
	return nil
}
func (c *Client) ScriptLoad(ctx context.Context, script string) *StringCmd { return nil }

type Script struct{}

func NewScript(src string) *Script { return nil }
