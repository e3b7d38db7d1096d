package engine

import (
	"testing"
	"unsafe"
)

// TestCallSize keeps a Call in the 320-byte size class: every call
// allocates one, and BenchmarkPipeline100 pays for each byte.
func TestCallSize(t *testing.T) {
	if n := unsafe.Sizeof(Call{}); n > 320 {
		t.Errorf("a Call is %d bytes, over the 320-byte size class", n)
	}
}
