package group_test

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestMain(m *testing.M) { conctest.Main(m) }

var (
	errA     = errors.New("group_test: a")
	errB     = errors.New("group_test: b")
	errCause = errors.New("group_test: cause")
)

// panicWithEOF is a named task so that tests can find it in a panic's stack.
func panicWithEOF() error { panic(io.EOF) }

// mustPanicError calls wait and returns the *PanicError it panics with.
func mustPanicError(t *testing.T, wait func()) *group.PanicError {
	t.Helper()
	v := conctest.Panics(t, "", wait)
	perr, ok := v.(*group.PanicError)
	if !ok {
		t.Fatalf("Wait panicked with %T %v, want *PanicError", v, v)
	}
	return perr
}

func TestZeroGroup(t *testing.T) {
	for _, errs := range [][]error{{}, {nil}, {errA}, {errA, nil}, {errA, nil, errB}} {
		var g group.Group
		var first error
		for _, err := range errs {
			g.Go(func() error { return err })
			if first == nil {
				first = err
			}
			// Wait after every Go: the first error stays the answer.
			if got := g.Wait(); got != first {
				t.Errorf("errs %v: Wait() = %v, want %v", errs, got, first)
			}
		}
	}
}

func TestZeroGroupNeverCancels(t *testing.T) {
	var g group.Group
	g.Go(func() error { return errA })
	g.Wait()
	var ran atomic.Bool
	g.Go(func() error { ran.Store(true); return nil })
	if err := g.Wait(); err != errA {
		t.Errorf("Wait() = %v, want %v", err, errA)
	}
	if !ran.Load() {
		t.Error("f not run after an error in a zero Group, want it run")
	}
}

func TestWithContextCause(t *testing.T) {
	for _, tc := range []struct {
		errs      []error
		want, cau error
	}{
		{nil, nil, context.Canceled},
		{[]error{nil}, nil, context.Canceled},
		{[]error{errA}, errA, errA},
		{[]error{errA, nil}, errA, errA},
	} {
		g, ctx := group.WithContext(context.Background())
		for _, err := range tc.errs {
			g.Go(func() error { return err })
		}
		if err := g.Wait(); err != tc.want {
			t.Errorf("errs %v: Wait() = %v, want %v", tc.errs, err, tc.want)
		}
		if ctx.Err() == nil {
			t.Errorf("errs %v: ctx not done after Wait", tc.errs)
		}
		if got := context.Cause(ctx); got != tc.cau {
			t.Errorf("errs %v: context.Cause(ctx) = %v, want %v", tc.errs, got, tc.cau)
		}
	}
}

func TestFirstErrorCancelsSiblings(t *testing.T) {
	g, ctx := group.WithContext(context.Background())
	started := make(chan struct{})
	g.Go(func() error {
		close(started)
		<-ctx.Done() // returns only because the sibling failed
		if got := context.Cause(ctx); got != errA {
			t.Errorf("sibling: context.Cause(ctx) = %v, want %v", got, errA)
		}
		return errB
	})
	g.Go(func() error { <-started; return errA })
	if err := g.Wait(); err != errA {
		t.Errorf("Wait() = %v, want %v", err, errA)
	}
}

func TestGoBlocksAtLimit(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var g group.Group
		g.SetLimit(1)
		release := make(chan struct{})
		g.Go(func() error { <-release; return nil })
		returned := make(chan struct{})
		go func() {
			g.Go(func() error { return nil })
			close(returned)
		}()
		synctest.Wait()
		select {
		case <-returned:
			t.Fatal("Go returned while the group was at its limit")
		default:
		}
		close(release)
		<-returned
		if err := g.Wait(); err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
	})
}

func TestLimitHonoured(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		for _, limit := range []int{1, 2, 5} {
			var tr conctest.Tracker
			var g group.Group
			g.SetLimit(limit)
			for range 200 {
				g.Go(func() error { tr.Do(runtime.Gosched); return nil })
			}
			if err := g.Wait(); err != nil {
				t.Errorf("Wait() = %v, want nil", err)
			}
			if tr.Max() > limit {
				t.Errorf("SetLimit(%d): %d tasks ran at once", limit, tr.Max())
			}
		}
	})
}

func TestTryGo(t *testing.T) {
	var g group.Group
	const n = 42
	g.SetLimit(n)
	ch := make(chan struct{})
	fn := func() error { ch <- struct{}{}; return nil }
	for i := range n {
		if !g.TryGo(fn) {
			t.Fatalf("TryGo() call %d = false below the limit, want true", i)
		}
	}
	if g.TryGo(fn) {
		t.Fatal("TryGo() at the limit = true, want false")
	}
	for range n {
		<-ch
	}
	g.Wait()
	g.SetLimit(0)
	if g.TryGo(fn) {
		t.Fatal("TryGo() with limit 0 = true, want false")
	}
	g.SetLimit(-1)
	if !g.TryGo(func() error { return nil }) {
		t.Fatal("TryGo() with no limit = false, want true")
	}
	g.Wait()
}

func TestSetLimitWhileActivePanics(t *testing.T) {
	var g group.Group
	g.SetLimit(2)
	release := make(chan struct{})
	g.Go(func() error { <-release; return nil })
	conctest.Panics(t, "group: modify limit while 1 goroutines", func() { g.SetLimit(3) })
	close(release)
	g.Wait()
	g.SetLimit(3) // nothing active any more
}

func TestParentDoneAfterWorkIsNotAnError(t *testing.T) {
	parent, cancel := context.WithCancelCause(context.Background())
	g, _ := group.WithContext(parent)
	done := make(chan struct{})
	g.Go(func() error { close(done); return nil })
	<-done
	cancel(errCause)
	if err := g.Wait(); err != nil {
		t.Errorf("Wait() = %v, want nil: every f ran and succeeded", err)
	}
}

func TestPanic(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		g, ctx := group.WithContext(context.Background())
		var siblingReturned atomic.Bool
		var siblingCause error
		started := make(chan struct{})
		g.Go(func() error {
			close(started)
			<-ctx.Done()
			siblingCause = context.Cause(ctx)
			time.Sleep(time.Second) // Wait must wait for this
			siblingReturned.Store(true)
			return nil
		})
		g.Go(func() error { <-started; return panicWithEOF() })
		perr := mustPanicError(t, func() { g.Wait() })
		if !siblingReturned.Load() {
			t.Error("Wait re-panicked before every other f returned")
		}
		if siblingCause != perr {
			t.Errorf("sibling saw context.Cause(ctx) = %v, want the *PanicError", siblingCause)
		}
		if !errors.Is(perr, io.EOF) {
			t.Errorf("errors.Is(perr, io.EOF) = false, want true")
		}
		if !strings.Contains(string(perr.Stack), "panicWithEOF") {
			t.Errorf("Stack does not name the panicking function:\n%s", perr.Stack)
		}
	})
}

func TestPanicZeroGroupAfterError(t *testing.T) {
	var g group.Group
	g.Go(func() error { return errA })
	g.Go(panicWithEOF)
	perr := mustPanicError(t, func() { g.Wait() })
	if perr.Value != io.EOF {
		t.Errorf("Value = %v, want %v", perr.Value, io.EOF)
	}
}

func TestGoexit(t *testing.T) {
	g, ctx := group.WithContext(context.Background())
	g.Go(func() error { runtime.Goexit(); return nil })
	if err := g.Wait(); err != group.ErrGoexit {
		t.Errorf("Wait() = %v, want %v", err, group.ErrGoexit)
	}
	if got := context.Cause(ctx); got != group.ErrGoexit {
		t.Errorf("context.Cause(ctx) = %v, want %v", got, group.ErrGoexit)
	}
}

func TestJoinErrorsGoOrder(t *testing.T) {
	// Task i finishes only after task i+1: completion order is the reverse
	// of Go order.
	const n = 6
	var g group.Group
	g.JoinErrors()
	errs := make([]error, n)
	finished := make([]chan struct{}, n+1)
	for i := range finished {
		finished[i] = make(chan struct{})
	}
	close(finished[n])
	for i := range n {
		if i%2 == 0 {
			errs[i] = errors.New("error " + string(rune('0'+i)))
		}
		g.Go(func() error {
			defer close(finished[i])
			<-finished[i+1]
			return errs[i]
		})
	}
	err := g.Wait()
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Wait() = %v, want errors.Join of every error", err)
	}
	want := []error{errs[0], errs[2], errs[4]}
	got := joined.Unwrap()
	if len(got) != len(want) {
		t.Fatalf("Wait() joined %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("error %d = %v, want %v", i, got[i], want[i])
		}
		if !errors.Is(err, want[i]) {
			t.Errorf("errors.Is(Wait(), %v) = false, want true", want[i])
		}
	}
}

func TestJoinErrorsNone(t *testing.T) {
	g, _ := group.WithContext(context.Background())
	g.JoinErrors()
	g.Go(func() error { return nil })
	if err := g.Wait(); err != nil {
		t.Errorf("Wait() = %v, want nil", err)
	}
}

func TestNilFunctionPanics(t *testing.T) {
	var g group.Group
	conctest.Panics(t, "group: ", func() { g.Go(nil) })
	conctest.Panics(t, "group: ", func() { g.TryGo(nil) })
	var r group.Results[int]
	conctest.Panics(t, "group: ", func() { r.Go(nil) })
	conctest.Panics(t, "group: ", func() { r.TryGo(nil) })
	ctx := context.Background()
	conctest.Panics(t, "group: ", func() { group.Map[int, int](ctx, nil, 0, nil) })
	conctest.Panics(t, "group: ", func() { group.ForEach[int](ctx, []int{1}, 0, nil) })
}

func TestJoinErrorsWithContextCancelsOnFirst(t *testing.T) {
	g, ctx := group.WithContext(context.Background())
	g.JoinErrors()
	started := make(chan struct{})
	g.Go(func() error { close(started); <-ctx.Done(); return errB })
	g.Go(func() error { <-started; return errA })
	err := g.Wait()
	if !errors.Is(err, errA) || !errors.Is(err, errB) {
		t.Errorf("Wait() = %v, want both %v and %v", err, errA, errB)
	}
	if got := context.Cause(ctx); got != errA {
		t.Errorf("context.Cause(ctx) = %v, want %v", got, errA)
	}
}

func TestRandomCancel(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		for range 100 {
			parent, stop := conctest.RandomCancel(context.Background(), 50)
			g, ctx := group.WithContext(parent)
			g.SetLimit(3)
			for range 50 {
				g.Go(func() error {
					runtime.Gosched()
					return ctx.Err()
				})
			}
			err := g.Wait()
			stop()
			if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, conctest.ErrRandomCancel) {
				t.Fatalf("Wait() = %v, want nil, context.Canceled or %v", err, conctest.ErrRandomCancel)
			}
		}
	})
}
