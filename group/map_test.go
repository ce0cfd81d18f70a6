package group_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestMapOrder(t *testing.T) {
	const n = 100_000
	items := make([]int, n)
	for i := range items {
		items[i] = i
	}
	conctest.WithProcs(t, func(t *testing.T) {
		for _, limit := range []int{0, 1, 3, 16} {
			got, err := group.Map(context.Background(), items, limit,
				func(_ context.Context, v int) (int, error) { return 2 * v, nil })
			if err != nil {
				t.Fatalf("limit %d: Map() error = %v, want nil", limit, err)
			}
			if len(got) != n {
				t.Fatalf("limit %d: Map() returned %d values, want %d", limit, len(got), n)
			}
			for i, v := range got {
				if v != 2*i {
					t.Fatalf("limit %d: value %d = %d, want %d", limit, i, v, 2*i)
				}
			}
		}
	})
}

func TestMapLimit(t *testing.T) {
	items := make([]int, 2000)
	conctest.WithProcs(t, func(t *testing.T) {
		for _, limit := range []int{-1, 0, 1, 3} {
			want := limit
			if limit <= 0 {
				want = runtime.GOMAXPROCS(0)
			}
			var tr conctest.Tracker
			err := group.ForEach(context.Background(), items, limit, func(context.Context, int) error {
				tr.Do(runtime.Gosched)
				return nil
			})
			if err != nil {
				t.Fatalf("ForEach() = %v, want nil", err)
			}
			if tr.Max() > want {
				t.Errorf("limit %d: %d calls of f ran at once, want at most %d", limit, tr.Max(), want)
			}
		}
	})
}

func TestMapFirstErrorStopsTheRest(t *testing.T) {
	items := make([]int, 1000)
	for i := range items {
		items[i] = i
	}
	for range 20 {
		var calls, others, late atomic.Int64
		othersStarted := make(chan struct{})
		got, err := group.Map(context.Background(), items, 4, func(ctx context.Context, v int) (int, error) {
			if ctx.Err() != nil {
				late.Add(1)
			}
			calls.Add(1)
			if v == 0 {
				// Fail once the three other workers are inside f, so
				// that none of them is between its check and its call.
				<-othersStarted
				return 0, errA
			}
			if others.Add(1) == 3 {
				close(othersStarted)
			}
			// Every other call holds its worker until the error has
			// cancelled ctx, and sees the error as the cause.
			<-ctx.Done()
			if cause := context.Cause(ctx); cause != errA {
				t.Errorf("context.Cause(ctx) = %v, want %v", cause, errA)
			}
			return v, nil
		})
		if got != nil || err != errA {
			t.Fatalf("Map() = %d values, %v; want nil, %v", len(got), err, errA)
		}
		if n := late.Load(); n != 0 {
			t.Fatalf("%d calls of f started after the first error", n)
		}
		if n := calls.Load(); n != 4 {
			t.Fatalf("f called %d times, want one per worker (4)", n)
		}
	}
}

func TestForEachFirstErrorSequential(t *testing.T) {
	items := make([]int, 100)
	for i := range items {
		items[i] = i
	}
	var calls atomic.Int64
	err := group.ForEach(context.Background(), items, 1, func(_ context.Context, v int) error {
		calls.Add(1)
		if v == 41 {
			return errA
		}
		return nil
	})
	if err != errA {
		t.Errorf("ForEach() = %v, want %v", err, errA)
	}
	if n := calls.Load(); n != 42 {
		t.Errorf("f called %d times, want 42: none after the error", n)
	}
}

func TestMapEmpty(t *testing.T) {
	f := func(context.Context, int) (int, error) {
		t.Error("f called on empty input")
		return 0, nil
	}
	for _, items := range [][]int{nil, {}} {
		got, err := group.Map(context.Background(), items, 0, f)
		if got == nil || len(got) != 0 || err != nil {
			t.Errorf("Map(%v) = %v, %v; want [], nil", items, got, err)
		}
		if err := group.ForEach(context.Background(), items, 0, func(context.Context, int) error {
			t.Error("f called on empty input")
			return nil
		}); err != nil {
			t.Errorf("ForEach(%v) = %v, want nil", items, err)
		}
	}
}

func TestMapParentDone(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errCause)
	got, err := group.Map(ctx, []int{1, 2, 3}, 0, func(context.Context, int) (int, error) {
		t.Error("f called with ctx done")
		return 0, nil
	})
	if got != nil || err != errCause {
		t.Errorf("Map() = %v, %v; want nil, %v", got, err, errCause)
	}
}

func TestMapRandomCancel(t *testing.T) {
	items := make([]int, 2000)
	for range 200 {
		ctx, stop := conctest.RandomCancel(context.Background(), 100)
		got, err := group.Map(ctx, items, 3, func(_ context.Context, v int) (int, error) {
			runtime.Gosched()
			return v + 1, nil
		})
		stop()
		switch {
		case err == nil && len(got) != len(items):
			t.Fatalf("Map() = %d values, nil; want %d", len(got), len(items))
		case err != nil && (got != nil || !errors.Is(err, conctest.ErrRandomCancel)):
			t.Fatalf("Map() = %d values, %v; want nil, %v", len(got), err, conctest.ErrRandomCancel)
		}
	}
}

func TestMapPanic(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var othersStarted, othersReturned atomic.Int64
		allStarted := make(chan struct{})
		items := []int{0, 1, 2, 3}
		perr := mustPanicError(t, func() {
			group.Map(context.Background(), items, len(items), func(ctx context.Context, v int) (int, error) {
				if v == 2 {
					<-allStarted
					return 0, panicWithEOF()
				}
				if othersStarted.Add(1) == 3 {
					close(allStarted)
				}
				<-ctx.Done()
				time.Sleep(time.Second) // Map must wait for this
				othersReturned.Add(1)
				return v, nil
			})
		})
		if n := othersReturned.Load(); n != 3 {
			t.Errorf("Map re-panicked after %d of 3 other calls returned", n)
		}
		if !strings.Contains(string(perr.Stack), "panicWithEOF") {
			t.Errorf("Stack does not name the panicking function:\n%s", perr.Stack)
		}
	})
}

func TestMapGoexit(t *testing.T) {
	err := group.ForEach(context.Background(), []int{1, 2, 3}, 2, func(context.Context, int) error {
		runtime.Goexit()
		return nil
	})
	if err != group.ErrGoexit {
		t.Errorf("ForEach() = %v, want %v", err, group.ErrGoexit)
	}
}

func panicNil() error { panic(nil) }

// TestMapPanicNil: with GODEBUG=panicnil=1, recover returns nil for
// panic(nil), as after runtime.Goexit. Map and ForEach still take it for a
// panic: they stop the other calls and re-panic once every call has
// returned, while runtime.Goexit still fails them with ErrGoexit.
func TestMapPanicNil(t *testing.T) {
	if !conctest.Child(t, "GODEBUG=panicnil=1") {
		return
	}
	conctest.Bubble(t, func(t *testing.T) {
		var othersStarted, othersReturned atomic.Int64
		allStarted := make(chan struct{})
		items := []int{0, 1, 2, 3}
		causes := make([]error, len(items))
		perr := mustPanicError(t, func() {
			group.Map(context.Background(), items, len(items), func(ctx context.Context, v int) (int, error) {
				if v == 2 {
					<-allStarted
					return 0, panicNil()
				}
				if othersStarted.Add(1) == 3 {
					close(allStarted)
				}
				<-ctx.Done()
				causes[v] = context.Cause(ctx)
				time.Sleep(time.Second) // Map must wait for this
				othersReturned.Add(1)
				return v, nil
			})
		})
		if perr.Value != nil {
			t.Errorf("Value = %v, want nil", perr.Value)
		}
		if !strings.Contains(string(perr.Stack), "panicNil") {
			t.Errorf("Stack does not name the panicking function:\n%s", perr.Stack)
		}
		if n := othersReturned.Load(); n != 3 {
			t.Errorf("Map re-panicked after %d of 3 other calls returned", n)
		}
		for _, v := range []int{0, 1, 3} {
			if causes[v] != perr {
				t.Errorf("cause seen by call %d = %v, want the *PanicError", v, causes[v])
			}
		}
	})
	var calls atomic.Int64
	perr := mustPanicError(t, func() {
		group.ForEach(context.Background(), make([]int, 100), 1, func(context.Context, int) error {
			calls.Add(1)
			return panicNil()
		})
	})
	if perr.Value != nil || calls.Load() != 1 {
		t.Errorf("ForEach panicked with Value %v after %d calls, want nil after 1", perr.Value, calls.Load())
	}
	TestMapGoexit(t)
}

func TestMapStopsSoonAfterParentDone(t *testing.T) {
	items := make([]int, 100_000)
	for i := range items {
		items[i] = i
	}
	conctest.WithProcs(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		var calls atomic.Int64
		got, err := group.Map(ctx, items, 1, func(_ context.Context, v int) (int, error) {
			calls.Add(1)
			if v == 10 {
				cancel(errCause)
			}
			return v, nil
		})
		if got != nil || err != errCause {
			t.Errorf("Map() = %d values, %v; want nil, %v", len(got), err, errCause)
		}
		// The cancellation reaches the worker at once through AfterFunc,
		// or at the latest at the end of its range of elements.
		if n := calls.Load(); n > 11+512 {
			t.Errorf("f called %d times after ctx was done at call 11", n-11)
		}
	})
}

func TestMapCancelledCallsSeeCause(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	started := make(chan struct{})
	err := group.ForEach(ctx, []int{0, 1}, 2, func(ctx context.Context, v int) error {
		if v == 0 {
			<-started
			cancel(errCause)
			return nil
		}
		close(started)
		<-ctx.Done()
		if got := context.Cause(ctx); got != errCause {
			t.Errorf("context.Cause(ctx) in f = %v, want %v", got, errCause)
		}
		return nil
	})
	// Both calls returned nil after the cancellation: all the work was done.
	if err != nil {
		t.Errorf("ForEach() = %v, want nil", err)
	}
}
