package pipeline

import (
	"testing"
	"unsafe"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestNoAtomicTypes: Map and OrderedMap are compiled into the user's
// package, so the package uses the functions of sync/atomic rather than
// its types (see the fields of mapper).
func TestNoAtomicTypes(t *testing.T) {
	conctest.NoAtomicTypes(t, "*.go")
}

// TestAtomicWordsAligned: the 64-bit words used atomically sit at offsets
// that are multiples of 8, as 64-bit atomic operations need on 32-bit
// platforms (run with GOARCH=386 to check them there).
func TestAtomicWordsAligned(t *testing.T) {
	var m mapper[int, string]
	var c chunk[int, string]
	for name, off := range map[string]uintptr{
		"mapper.fill":   unsafe.Offsetof(m.fill),
		"mapper.target": unsafe.Offsetof(m.target),
		"mapper.idle":   unsafe.Offsetof(m.idle),
		"chunk.gen":     unsafe.Offsetof(c.gen),
	} {
		if off%8 != 0 {
			t.Errorf("%s is at offset %d, not a multiple of 8", name, off)
		}
	}
}
