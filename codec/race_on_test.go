//go:build race

package codec

// raceEnabled: the race detector drops a quarter of what sync.Pool is
// given, which allocation counts allow for.
const raceEnabled = true
