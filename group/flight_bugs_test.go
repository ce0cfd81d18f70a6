package group_test

// Regression tests for the ways singleflight implementations have failed
// their users, each named for what it covers.

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestFlightOneCancelDoesNotFailOthers covers the bug for which openfga
// and buildbuddy left their singleflight forks: one caller's cancellation
// failed every caller sharing the call. Here fn's context keeps the first
// caller's values but not its cancellation or deadline.
func TestFlightOneCancelDoesNotFailOthers(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var f group.Flight[string, int]
		p := newFlightProbe()
		ctx, cancel := context.WithCancelCause(context.WithValue(context.Background(), flightKey{}, "v"))
		ctx, stop := context.WithTimeout(ctx, time.Hour)
		defer stop()
		first := goDo(&f, ctx, "k", p.fn(1, nil))
		fctx := <-p.started
		other := goDo(&f, context.Background(), "k", p.fn(2, nil))
		synctest.Wait()
		cancel(errCause)
		(<-first).want(t, "cancelled caller", 0, errCause, false)
		synctest.Wait()
		if fctx.Err() != nil {
			t.Errorf("fn's context: Err() = %v after the first caller left, want nil", fctx.Err())
		}
		if d, ok := fctx.Deadline(); ok {
			t.Errorf("fn's context: Deadline() = %v, want none", d)
		}
		if got := fctx.Value(flightKey{}); got != "v" {
			t.Errorf("fn's context: Value() = %v, want the first caller's %q", got, "v")
		}
		close(p.release)
		(<-other).want(t, "other caller", 1, nil, true)
	})
}

// TestFlightAbandonedCallNotJoined covers tailscale's DoChanContext bug
// (#18919): a call whose callers had all left stayed in the map, so a new
// caller joined it and got its context.Canceled.
func TestFlightAbandonedCallNotJoined(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var f group.Flight[string, int]
		p := newFlightProbe()
		ctx1, cancel1 := context.WithCancelCause(context.Background())
		ctx2, cancel2 := context.WithCancelCause(context.Background())
		oldFn := func(ctx context.Context) (int, error) {
			p.started <- ctx
			<-ctx.Done()
			<-p.release // still returning when the next caller comes
			return 0, ctx.Err()
		}
		first := goDo(&f, ctx1, "k", oldFn)
		second := goDo(&f, ctx2, "k", oldFn)
		fctx := <-p.started
		synctest.Wait()
		cancel1(errA)
		(<-first).want(t, "first", 0, errA, false)
		synctest.Wait()
		if fctx.Err() != nil {
			t.Fatalf("fn's context cancelled while a caller waits: %v", fctx.Err())
		}
		cancel2(errB)
		(<-second).want(t, "second", 0, errB, false)
		<-fctx.Done()
		if cause := context.Cause(fctx); cause != context.Canceled {
			t.Errorf("fn's context: Cause() = %v, want context.Canceled", cause)
		}
		v, err, shared := f.Do(context.Background(), "k", func(context.Context) (int, error) { return 7, nil })
		flightResult{v, err, shared}.want(t, "next caller", 7, nil, false)
		close(p.release)
	})
}

// TestFlightCancelStartsNoDuplicate covers janos/singleflight#4: a
// caller's cancellation let the next caller start a second call for the
// key while the first was still live for the callers still waiting.
func TestFlightCancelStartsNoDuplicate(t *testing.T) {
	for _, c := range flightContexts {
		t.Run(c.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				var f group.Flight[string, int]
				p := newFlightProbe()
				first := goDo(&f, c.ctx(t), "k", p.fn(1, nil))
				<-p.started
				ctx, cancel := context.WithCancelCause(context.Background())
				leaving := goDo(&f, ctx, "k", p.fn(2, nil))
				synctest.Wait()
				cancel(errCause)
				(<-leaving).want(t, "leaving caller", 0, errCause, false)
				late := goDo(&f, c.ctx(t), "k", p.fn(3, nil))
				synctest.Wait()
				if n := p.calls.Load(); n != 1 {
					t.Fatalf("fn called %d times, want 1: a cancelled caller let a duplicate call start", n)
				}
				close(p.release)
				(<-first).want(t, "first", 1, nil, true)
				(<-late).want(t, "late", 1, nil, true)
			})
		})
	}
}

// flightPanic is a named function so that tests can find it in a stack.
func flightPanic(context.Context) (int, error) { panic(errA) }

// TestFlightPanicReachesEveryCaller covers golang/go#33519 and #41133: a
// panic in fn left the key locked and later callers hung. Here every
// caller waiting re-panics with the *PanicError, and the next Do calls fn
// again.
func TestFlightPanicReachesEveryCaller(t *testing.T) {
	for _, c := range flightContexts {
		t.Run(c.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				var f group.Flight[string, int]
				p := newFlightProbe()
				panicking := func(ctx context.Context) (int, error) {
					p.started <- ctx
					<-p.release
					return flightPanic(ctx)
				}
				perrs := make(chan any, 3)
				for i := range 3 {
					go func() {
						defer func() { perrs <- recover() }()
						f.Do(c.ctx(t), "k", panicking)
					}()
					if i == 0 {
						<-p.started
					}
				}
				synctest.Wait()
				close(p.release)
				for range 3 {
					v := <-perrs
					perr, ok := v.(*group.PanicError)
					if !ok {
						t.Fatalf("Do panicked with %T %v, want *PanicError", v, v)
					}
					if !errors.Is(perr, errA) || !strings.Contains(string(perr.Stack), "flightPanic") {
						t.Errorf("PanicError = %v, want errA with the stack of flightPanic", perr)
					}
				}
				v, err, shared := f.Do(c.ctx(t), "k", func(context.Context) (int, error) { return 1, nil })
				flightResult{v, err, shared}.want(t, "Do after the panic", 1, nil, false)
			})
		})
	}
}

// A panic in a call every caller has left has nobody to reach: it is
// dropped, and crashes nothing.
func TestFlightPanicInAbandonedCall(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var f group.Flight[string, int]
		ctx, cancel := context.WithCancelCause(context.Background())
		returned := make(chan struct{})
		res := goDo(&f, ctx, "k", func(ctx context.Context) (int, error) {
			defer close(returned)
			<-ctx.Done()
			panic(errA)
		})
		synctest.Wait()
		cancel(errCause)
		(<-res).want(t, "caller", 0, errCause, false)
		<-returned
	})
}

// TestFlightGoexitReachesEveryCaller covers golang/go#67087:
// runtime.Goexit in fn left the callers of DoChan waiting for ever. Here
// every caller waiting gets ErrGoexit, except one on whose goroutine fn
// ran, which exits with it.
func TestFlightGoexitReachesEveryCaller(t *testing.T) {
	for _, c := range flightContexts {
		t.Run(c.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				var f group.Flight[string, int]
				p := newFlightProbe()
				exiting := func(ctx context.Context) (int, error) {
					p.started <- ctx
					<-p.release
					runtime.Goexit()
					return 1, nil
				}
				exited := make(chan bool, 1)
				go func() {
					returned := false
					defer func() { exited <- returned }()
					f.Do(c.ctx(t), "k", exiting)
					returned = true
				}()
				<-p.started
				joined := goDo(&f, c.ctx(t), "k", exiting)
				synctest.Wait()
				close(p.release)
				(<-joined).want(t, "joined", 0, group.ErrGoexit, true)
				returned := <-exited
				if ranHere := c.name == "background"; returned == ranHere {
					t.Errorf("first caller returned = %v, want %v (fn ran on its goroutine: %v)", returned, !ranHere, ranHere)
				}
				v, err, shared := f.Do(c.ctx(t), "k", func(context.Context) (int, error) { return 2, nil })
				flightResult{v, err, shared}.want(t, "Do after Goexit", 2, nil, false)
			})
		})
	}
}

// TestFlightBlockedFnReleasesCallers covers the deadlocks that made
// spicedb forbid x/sync's singleflight: callers stuck behind an fn that
// never returns. Here they leave when their contexts end, fn's context is
// cancelled, and no goroutine is left behind (the bubble checks).
func TestFlightBlockedFnReleasesCallers(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var f group.Flight[string, int]
		blocked := func(ctx context.Context) (int, error) {
			<-ctx.Done() // stands for work that never ends by itself
			return 0, ctx.Err()
		}
		var res []<-chan flightResult
		for i := range 4 {
			ctx, cancel := context.WithTimeoutCause(context.Background(), time.Duration(i+1)*time.Second, errCause)
			defer cancel()
			res = append(res, goDo(&f, ctx, "k", blocked))
		}
		for i, ch := range res {
			(<-ch).want(t, "caller "+string(rune('0'+i)), 0, errCause, false)
		}
	})
}

// fn may call the Flight again, for another key or to forget its own:
