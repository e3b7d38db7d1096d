package engine

// Debug exposes a call's state to the engine_test package's fault tests.
func (c *Call) Debug() (args []any, asked, refused bool, answer error) {
	if c.odd != nil {
		answer = c.odd.answer
	}
	return c.cmd.Args(), c.marker.asked(), c.marker.refused(), answer
}
