package group_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// goid returns the number of the calling goroutine, from its stack header.
func goid() int {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	buf = bytes.TrimPrefix(buf, []byte("goroutine "))
	n, _ := strconv.Atoi(string(buf[:bytes.IndexByte(buf, ' ')]))
	return n
}

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

// endWhileWaiting ends the group's parent context with errCause while a Go
// waits for the limit, and checks that the Go returns without starting its
// f, which sets ran, and that Wait reports the cause.
func endWhileWaiting(t *testing.T, g *group.Group, cancel context.CancelCauseFunc, returned <-chan struct{}, ran *atomic.Bool) {
	t.Helper()
	cancel(errCause)
	<-returned
	if err := g.Wait(); err != errCause {
		t.Errorf("Wait() = %v, want %v", err, errCause)
	}
	if ran.Load() {
		t.Error("f started by a Go that was waiting for the limit when ctx ended")
	}
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

// TestWaitingGoRunsOnFreedGoroutine: when a short f returns and a Go waits
// for the limit, the goroutine of that f runs the waiting Go's f itself.
// (In a bubble the clock stands still while f waits for release.)
func TestWaitingGoRunsOnFreedGoroutine(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var first, second int
		g := afterWaitingGo(func() error { first = goid(); return nil }, func() error { second = goid(); return nil })
		if err := g.Wait(); err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
		if first != second {
			t.Errorf("the waiting f ran on goroutine %d, want %d, whose f had returned", second, first)
		}
	})
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

// TestSetLimitAgainWithContext: the end of the context sends away a Go
// waiting for the latest limit, not for one SetLimit replaced.
func TestSetLimitAgainWithContext(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		parent, cancel := context.WithCancelCause(context.Background())
		g, ctx := group.WithContext(parent)
		g.SetLimit(1)
		g.SetLimit(2)
		for range 2 {
			g.Go(func() error { <-ctx.Done(); return nil })
		}
		var ran atomic.Bool
		returned := goWhenBlocked(g, func() error { ran.Store(true); return nil })
		endWhileWaiting(t, g, cancel, returned, &ran)
	})
}

// TestWaitingGoGetsSlotAfterLongTask: after an f that took long, its
// goroutine starts a goroutine for the f of the waiting Go, as with
// errgroup, rather than run it itself.
func TestWaitingGoGetsSlotAfterLongTask(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var first, second int
		g := afterWaitingGo(func() error { first = goid(); time.Sleep(time.Second); return nil }, func() error { second = goid(); return nil })
		if err := g.Wait(); err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
		if first == second {
			t.Errorf("the waiting f ran on goroutine %d, whose f took 1s, want a goroutine of its own", second)
		}
	})
}

// TestGoWaitingOnReplacedLimitStopsWhenDone: a Go waiting under limit 0
// still returns when the context ends after SetLimit replaced that limit.
func TestGoWaitingOnReplacedLimitStopsWhenDone(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		parent, cancel := context.WithCancelCause(context.Background())
		g, _ := group.WithContext(parent)
		g.SetLimit(0)
		var ran atomic.Bool
		returned := goWhenBlocked(g, func() error { ran.Store(true); return nil })
		g.SetLimit(1)
		endWhileWaiting(t, g, cancel, returned, &ran)
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
