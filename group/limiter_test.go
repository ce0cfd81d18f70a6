package group

import "testing"

// TestIdleGoroutineGetsTheNextTask: a Go below the limit hands its task to
// a goroutine on the idle list instead of starting one, and a goroutine
// that lingers without a task leaves the idle list.
func TestIdleGoroutineGetsTheNextTask(t *testing.T) {
	var g Group
	l := &limiter{n: 2, maxIdle: 2}
	a, b := new(idler), new(idler)
	for _, id := range []*idler{a, b} {
		if !l.tryTake() {
			t.Fatal("tryTake() below the limit = false, want true")
		}
		if _, ok := l.leave(id); ok {
			t.Fatal("leave() with no Go waiting = true, want false")
		}
	}
	ran := false
	if !l.enter(&g, task{f: func() error { ran = true; return nil }}) {
		t.Fatal("enter() = false, want true")
	}
	if !b.has.Load() || a.has.Load() {
		t.Fatalf("task handed to a: %v, b: %v; want the last goroutine to go idle, b", a.has.Load(), b.has.Load())
	}
	next, ok := l.linger(b)
	if !ok {
		t.Fatal("linger() with a task handed over = false, want true")
	}
	next.f()
	if !ran {
		t.Error("the task handed over is not the one passed to enter")
	}
	if _, ok := l.linger(a); ok {
		t.Error("linger() with no task = true, want false")
	}
	if len(l.idle) != 0 || l.running() != 1 {
		t.Errorf("idle = %d, running = %d, want 0 and 1", len(l.idle), l.running())
	}
}

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
