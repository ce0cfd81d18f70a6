package redislimit

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them. The
// core module's harness (internal/conctest) is not importable from here; it
// makes the same call.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
