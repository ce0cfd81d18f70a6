package group_test

import (
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// goWhenBlocked starts a goroutine that calls g.Go(f), waits until that Go
// is blocked at the limit, and returns a channel closed when Go returns.
func goWhenBlocked(g *group.Group, f func() error) <-chan struct{} {
	returned := make(chan struct{})
	go func() {
		g.Go(f)
		close(returned)
	}()
	synctest.Wait()
	return returned
}

// afterWaitingGo runs first under SetLimit(1), once a Go of second waits
// for the limit, and returns the group when that Go has returned.
func afterWaitingGo(first, second func() error) *group.Group {
	g := new(group.Group)
	g.SetLimit(1)
	release := make(chan struct{})
	g.Go(func() error { <-release; return first() })
	returned := goWhenBlocked(g, second)
	close(release)
	<-returned
	return g
}

// TestWaitingGoRunsAfterPanic: a panic in an f does not cost the group the
// goroutine's slot, nor the f of a Go waiting for it.
func TestWaitingGoRunsAfterPanic(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var ran atomic.Bool
		g := afterWaitingGo(panicWithEOF, func() error { ran.Store(true); return nil })
		perr := mustPanicError(t, func() { g.Wait() })
		if perr.Value != io.EOF {
			t.Errorf("Value = %v, want %v", perr.Value, io.EOF)
		}
		if !ran.Load() {
			t.Error("the f of a Go waiting for the limit did not run after a panic freed the slot")
		}
	})
}

// TestWaitingGoRunsAfterGoexit: an f that calls runtime.Goexit ends its
// goroutine; the f of a Go waiting for its slot still runs.
func TestWaitingGoRunsAfterGoexit(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var ran atomic.Bool
		g := afterWaitingGo(func() error { runtime.Goexit(); return nil }, func() error { ran.Store(true); return nil })
		if err := g.Wait(); err != group.ErrGoexit {
			t.Errorf("Wait() = %v, want %v", err, group.ErrGoexit)
		}
		if !ran.Load() {
			t.Error("the f of a Go waiting for the limit did not run after runtime.Goexit freed the slot")
		}
	})
}

// TestPanicNilWithWaitingGo: with GODEBUG=panicnil=1, recover returns nil
// for panic(nil), as after runtime.Goexit. The group still takes it for a
// panic: the waiting Go's f runs once, and Wait re-panics.
func TestPanicNilWithWaitingGo(t *testing.T) {
	if !conctest.Child(t, "GODEBUG=panicnil=1") {
		return
	}
	conctest.Bubble(t, func(t *testing.T) {
		var runs atomic.Int32
		g := afterWaitingGo(func() error { panic(nil) }, func() error { runs.Add(1); return nil })
		perr := mustPanicError(t, func() { g.Wait() })
		if perr.Value != nil {
			t.Errorf("Value = %v, want nil", perr.Value)
		}
		if n := runs.Load(); n != 1 {
			t.Errorf("the waiting f ran %d times, want 1", n)
		}
	})
}
