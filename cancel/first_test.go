package cancel

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// after returns a function that waits d, ignoring its ctx, and then returns
// v and err.
func after(d time.Duration, v int, err error) func(context.Context) (int, error) {
	return func(context.Context) (int, error) {
		time.Sleep(d)
		return v, err
	}
}

func TestFirstWins(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var loserErr error
		loser := func(ctx context.Context) (int, error) {
			<-ctx.Done()
			loserErr = ctx.Err()
			return 0, loserErr
		}
		start := time.Now()
		v, err := First(t.Context(),
			after(0, 0, errStop),
			loser,
			after(2*time.Second, 2, nil),
			after(time.Second, 1, nil),
		)
		if v != 1 || err != nil {
			t.Errorf("First() = %v, %v, want 1, nil", v, err)
		}
		if loserErr != context.Canceled {
			t.Errorf("loser's ctx.Err() = %v, want %v", loserErr, context.Canceled)
		}
		// The slow winner ignores its ctx: First waits for it.
		if got := time.Since(start); got != 2*time.Second {
			t.Errorf("First took %v, want %v", got, 2*time.Second)
		}
	})
}

// First runs every function at once and returns only after every one has
// returned.
func TestFirstWaitsForAll(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var inside conctest.Tracker
		f := func(d time.Duration, err error) func(context.Context) (int, error) {
			return func(ctx context.Context) (int, error) {
				inside.Enter()
				defer inside.Leave()
				time.Sleep(d)
				return int(d / time.Second), err
			}
		}
		v, err := First(t.Context(), f(time.Millisecond, nil), f(time.Second, errStop), f(3*time.Second, nil))
		if v != 0 || err != nil {
			t.Errorf("First() = %v, %v, want 0, nil", v, err)
		}
		if n := inside.Now(); n != 0 {
			t.Errorf("%d functions still running after First returned, want 0", n)
		}
		if n := inside.Max(); n != 3 {
			t.Errorf("%d functions ran at once, want 3", n)
		}
	})
}

func TestFirstAllFail(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		errs := []error{errors.New("e0"), errors.New("e1"), errors.New("e2")}
		// They fail in reverse order; the join is in argument order.
		_, err := First(t.Context(),
			after(3*time.Second, 0, errs[0]),
			after(2*time.Second, 0, errs[1]),
			after(time.Second, 0, errs[2]),
		)
		if got, want := fmt.Sprint(err), "e0\ne1\ne2"; got != want {
			t.Errorf("First() = %q, want %q", got, want)
		}
		for _, e := range errs {
			if !errors.Is(err, e) {
				t.Errorf("First() = %v, want it to match %v", err, e)
			}
		}
	})
}

func TestFirstParentCancelled(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(time.Second, func() { cancel(errStop) })
		wait := func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, ctx.Err()
		}
		_, err := First(ctx, wait, wait)
		if got, want := fmt.Sprint(err), "context canceled\ncontext canceled\nstop"; got != want {
			t.Errorf("First() = %q, want %q", got, want)
		}
		if !errors.Is(err, errStop) {
			t.Errorf("First() = %v, want it to match %v", err, errStop)
		}
	})
}

func TestFirstNoFunctions(t *testing.T) {
	if v, err := First[int](t.Context()); v != 0 || err != ErrNoFunctions {
		t.Errorf("First() = %v, %v, want 0, %v", v, err, ErrNoFunctions)
	}
}

func TestFirstDoneContext(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(errStop)
	called := false
	_, err := First(ctx, func(context.Context) (int, error) { called = true; return 1, nil })
	if err != errStop || called {
		t.Errorf("First(done ctx) = %v, called = %v; want %v, false", err, called, errStop)
	}
}

// waitForEnd returns a function for First that waits for its context to
// end, stores the cause in *cause and counts its return in *returned.
func waitForEnd(cause *error, returned *atomic.Int32) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		defer returned.Add(1)
		<-ctx.Done()
		*cause = context.Cause(ctx)
		return 0, ctx.Err()
	}
}

// A panic cancels the others and is raised once they have all returned,
// even when another function succeeded.
func TestFirstPanic(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var cause error
		var returned atomic.Int32
		wait := waitForEnd(&cause, &returned)
		panicky := func(context.Context) (int, error) {
			defer returned.Add(1)
			time.Sleep(time.Second)
			panic("boom")
		}
		ok := func(context.Context) (int, error) { defer returned.Add(1); return 1, nil }
		for _, fs := range [][]func(context.Context) (int, error){{wait, panicky}, {ok, panicky}} {
			returned.Store(0)
			v := conctest.Panics(t, "panic: boom", func() { First(t.Context(), fs...) })
			perr, isPanic := v.(*PanicError)
			if !isPanic || perr.Value != "boom" {
				t.Errorf("panic value = %#v, want *PanicError with Value %q", v, "boom")
			}
			if n := returned.Load(); n != 2 {
				t.Errorf("%d functions had returned when First panicked, want 2", n)
			}
		}
		if _, isPanic := cause.(*PanicError); !isPanic {
			t.Errorf("cause seen by the other function = %v, want the *PanicError", cause)
		}
	})
}

// TestFirstPanicNil: with GODEBUG=panicnil=1, recover returns nil for
// panic(nil), as after runtime.Goexit. First still takes it for a panic: it
// cancels the others with it and re-raises it once all have returned, while
// runtime.Goexit still ends First's caller.
func TestFirstPanicNil(t *testing.T) {
	if !conctest.Child(t, "GODEBUG=panicnil=1") {
		return
	}
	conctest.Bubble(t, func(t *testing.T) {
		var cause error
		var returned atomic.Int32
		wait := waitForEnd(&cause, &returned)
		panicky := func(context.Context) (int, error) {
			defer returned.Add(1)
			return panicNil()
		}
		v := conctest.Panics(t, "panic: <nil>", func() { First(t.Context(), wait, panicky) })
		perr, ok := v.(*PanicError)
		if !ok || perr.Value != nil {
			t.Fatalf("First panicked with %#v, want *PanicError with a nil Value", v)
		}
		if !strings.Contains(string(perr.Stack), "panicNil") {
			t.Errorf("PanicError.Stack does not name the panicking function:\n%s", perr.Stack)
		}
		if n := returned.Load(); n != 2 {
			t.Errorf("%d functions had returned when First panicked, want 2", n)
		}
		if cause != perr {
			t.Errorf("cause seen by the other function = %v, want the *PanicError", cause)
		}
	})
	TestFirstGoexit(t)
}

func TestFirstGoexit(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var wg sync.WaitGroup
		returned, otherDone := false, false
		wg.Add(1)
		go func() {
			defer wg.Done()
			First(t.Context(),
				func(context.Context) (int, error) { runtime.Goexit(); return 0, nil },
				func(ctx context.Context) (int, error) { <-ctx.Done(); otherDone = true; return 0, ctx.Err() },
			)
			returned = true
		}()
		wg.Wait()
		if returned || !otherDone {
			t.Errorf("after Goexit in f: First returned = %v, other cancelled = %v; want false, true", returned, otherDone)
		}
	})
}

// Cancelled at any point, First returns and leaves no goroutine behind.
func TestFirstRandomCancel(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		wait := func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, ctx.Err()
		}
		for range 200 {
			ctx, stop := conctest.RandomCancel(t.Context(), 20)
			_, err := First(ctx, wait, wait, wait)
			stop()
			if !errors.Is(err, conctest.ErrRandomCancel) {
				t.Fatalf("First() = %v, want it to match %v", err, conctest.ErrRandomCancel)
			}
		}
		conctest.VerifyNone(t)
	})
}
