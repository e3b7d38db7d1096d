package engine

// Debug exposes a call's state to the engine_test package's fault tests.
func (c *Call) Debug() (args []any, asked, refused bool, answer error) {
	return c.cmd.Args(), c.marker.asked(), c.marker.refused(), c.answer
}
