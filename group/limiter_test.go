package group

import "testing"

// TestStoppedLimiterRefuses: once the context has ended, a Go neither waits
// nor runs its task, even below the limit.
func TestStoppedLimiterRefuses(t *testing.T) {
	var g Group
	l := &limiter{n: 1}
	l.stop()
	if l.enter(&g, task{f: func() error { t.Error("task ran after stop"); return nil }}) {
		t.Error("enter() after stop = true, want false")
	}
	if l.tryTake() {
		t.Error("tryTake() after stop = true, want false")
	}
}
