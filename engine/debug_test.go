package engine

func (c *Call) Debug() (args []any, sent, refused bool, consumed error) {
	return c.cmd.Args(), c.marker.sent.Load(), c.marker.refused.Load(), c.marker.consumed
}
