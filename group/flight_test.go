package group_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// A flightProbe is a function for Flight.Do that the test holds: it counts
// its calls, sends its context on started, and returns its value once
// release is closed.
type flightProbe struct {
	calls   atomic.Int32
	started chan context.Context
	release chan struct{}
}

func newFlightProbe() *flightProbe {
	return &flightProbe{started: make(chan context.Context, 16), release: make(chan struct{})}
}

// fn returns a function that returns v and err once released.
func (p *flightProbe) fn(v int, err error) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		p.calls.Add(1)
		p.started <- ctx
		<-p.release
		return v, err
	}
}

// flightResult is what a Do returned.
type flightResult struct {
	v      int
	err    error
	shared bool
}

// goDo calls f.Do in a new goroutine and returns the channel that receives
// its results.
func goDo(f *group.Flight[string, int], ctx context.Context, key string, fn func(context.Context) (int, error)) <-chan flightResult {
	ch := make(chan flightResult, 1)
	go func() {
		v, err, shared := f.Do(ctx, key, fn)
		ch <- flightResult{v, err, shared}
	}()
	return ch
}

// want fails t unless r is {v, err, shared}.
func (r flightResult) want(t *testing.T, who string, v int, err error, shared bool) {
	t.Helper()
	if r.v != v || !errors.Is(r.err, err) || r.shared != shared {
		t.Errorf("%s: Do() = %d, %v, %v; want %d, %v, %v", who, r.v, r.err, r.shared, v, err, shared)
	}
}

// contexts are the two kinds of caller context: one that can never end,
// with which fn runs on the caller's goroutine, and one that can.
var flightContexts = []struct {
	name string
	ctx  func(t *testing.T) context.Context
}{
	{"background", func(*testing.T) context.Context { return context.Background() }},
	{"cancelable", func(t *testing.T) context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		return ctx
	}},
}

func TestFlightZeroValueCallsFn(t *testing.T) {
	for _, c := range flightContexts {
		t.Run(c.name, func(t *testing.T) {
			var f group.Flight[string, int]
			for i := range 3 { // no caching: each Do calls fn again
				v, err, shared := f.Do(c.ctx(t), "k", func(context.Context) (int, error) { return i, errA })
				flightResult{v, err, shared}.want(t, "Do", i, errA, false)
			}
		})
	}
}

func TestFlightSharesLiveCall(t *testing.T) {
	for _, c := range flightContexts {
		t.Run(c.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				var f group.Flight[string, int]
				p := newFlightProbe()
				first := goDo(&f, c.ctx(t), "k", p.fn(1, nil))
				<-p.started
				var joined []<-chan flightResult
				for range 3 {
					joined = append(joined, goDo(&f, c.ctx(t), "k", p.fn(2, nil)))
				}
				other := goDo(&f, c.ctx(t), "other", func(context.Context) (int, error) { return 3, nil })
				(<-other).want(t, "other key", 3, nil, false)
				synctest.Wait()
				close(p.release)
				(<-first).want(t, "first", 1, nil, true)
				for _, ch := range joined {
					(<-ch).want(t, "joined", 1, nil, true)
				}
				if n := p.calls.Load(); n != 1 {
					t.Errorf("fn called %d times, want 1", n)
				}
			})
		})
	}
}

type flightKey struct{}

func TestFlightCallerLeavesAtOnce(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var f group.Flight[string, int]
		p := newFlightProbe()
		ctx, cancel := context.WithTimeoutCause(context.Background(), time.Second, errCause)
		defer cancel()
		start := time.Now()
		res := goDo(&f, ctx, "k", p.fn(1, nil))
		fctx := <-p.started
		(<-res).want(t, "caller", 0, errCause, false)
		if d := time.Since(start); d != time.Second {
			t.Errorf("Do returned after %v, want 1s", d)
		}
		<-fctx.Done() // its only caller left
		close(p.release)
	})
}

func TestFlightDoneContextStartsNothing(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var f group.Flight[string, int]
		done, cancel := context.WithCancelCause(context.Background())
		cancel(errCause)
		fn := func(context.Context) (int, error) { t.Error("fn called for a done context"); return 0, nil }
		v, err, shared := f.Do(done, "k", fn)
		flightResult{v, err, shared}.want(t, "Do", 0, errCause, false)

		p := newFlightProbe()
		live := goDo(&f, context.Background(), "k", p.fn(1, nil))
		<-p.started
		v, err, shared = f.Do(done, "k", fn) // joins nothing
		flightResult{v, err, shared}.want(t, "Do on a live key", 0, errCause, false)
		close(p.release)
		(<-live).want(t, "live", 1, nil, false)
	})
}

func TestFlightForget(t *testing.T) {
	for _, c := range flightContexts {
		t.Run(c.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				var f group.Flight[string, int]
				p1, p2 := newFlightProbe(), newFlightProbe()
				old := goDo(&f, c.ctx(t), "k", p1.fn(1, nil))
				<-p1.started
				oldJoined := goDo(&f, c.ctx(t), "k", p1.fn(9, nil))
				synctest.Wait()
				f.Forget("k")
				f.Forget("never used")
				next := goDo(&f, c.ctx(t), "k", p2.fn(2, nil))
				<-p2.started
				nextJoined := goDo(&f, c.ctx(t), "k", p2.fn(9, nil))
				synctest.Wait()
				close(p1.release) // the old call returning must not end the new one
				(<-old).want(t, "old", 1, nil, true)
				(<-oldJoined).want(t, "old joined", 1, nil, true)
				synctest.Wait()
				again := goDo(&f, c.ctx(t), "k", p2.fn(9, nil))
				synctest.Wait()
				close(p2.release)
				(<-next).want(t, "next", 2, nil, true)
				(<-nextJoined).want(t, "next joined", 2, nil, true)
				(<-again).want(t, "again", 2, nil, true)
				if n := p2.calls.Load(); n != 1 {
					t.Errorf("new fn called %d times, want 1", n)
				}
			})
		})
	}
}

// Callers of a forgotten call that all leave cancel it, and leave the
// newer call for the key alone.
func TestFlightForgottenCallAbandoned(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var f group.Flight[string, int]
		p1, p2 := newFlightProbe(), newFlightProbe()
		ctx, cancel := context.WithCancelCause(context.Background())
		old := goDo(&f, ctx, "k", p1.fn(1, nil))
		oldCtx := <-p1.started
		f.Forget("k")
		next := goDo(&f, context.Background(), "k", p2.fn(2, nil))
		<-p2.started
		cancel(errCause)
		(<-old).want(t, "old", 0, errCause, false)
		<-oldCtx.Done()
		joined := goDo(&f, context.Background(), "k", p2.fn(9, nil))
		synctest.Wait()
		close(p1.release)
		close(p2.release)
		(<-next).want(t, "next", 2, nil, true)
		(<-joined).want(t, "joined", 2, nil, true)
	})
}
func TestFlightReentrantFn(t *testing.T) {
	for _, c := range flightContexts {
		t.Run(c.name, func(t *testing.T) {
			var f group.Flight[string, int]
			v, err, shared := f.Do(c.ctx(t), "outer", func(ctx context.Context) (int, error) {
				f.Forget("outer")
				v, err, _ := f.Do(ctx, "inner", func(context.Context) (int, error) { return 2, nil })
				return v + 1, err
			})
			flightResult{v, err, shared}.want(t, "Do", 3, nil, false)
		})
	}
}

func TestFlightNilArguments(t *testing.T) {
	var f group.Flight[string, int]
	fn := func(context.Context) (int, error) { return 0, nil }
	conctest.Panics(t, "group: nil context", func() {
		f.Do(nil, "k", fn) //lint:ignore SA1012 the nil ctx is the point
	})
	conctest.Panics(t, "group: nil function", func() { f.Do(context.Background(), "k", nil) })
}

// deadlineOnly is a context that can never end but has a deadline.
type deadlineOnly struct{ context.Context }

func (deadlineOnly) Deadline() (time.Time, bool) { return time.Unix(1, 0), true }

func TestFlightFnContext(t *testing.T) {
	t.Run("no deadline where ctx cannot end", func(t *testing.T) {
		var f group.Flight[string, int]
		ctx := deadlineOnly{context.WithValue(context.Background(), flightKey{}, "v")}
		f.Do(ctx, "k", func(ctx context.Context) (int, error) {
			if d, ok := ctx.Deadline(); ok || ctx.Value(flightKey{}) != "v" {
				t.Errorf("fn's context: Deadline() = %v, %v, Value() = %v; want none and %q", d, ok, ctx.Value(flightKey{}), "v")
			}
			return 0, nil
		})
	})
	t.Run("ends when fn has returned", func(t *testing.T) {
		conctest.Bubble(t, fnContextEnds)
	})
	t.Run("derived contexts end with it", func(t *testing.T) {
		conctest.Bubble(t, func(t *testing.T) {
			var f group.Flight[string, int]
			ctx, cancel := context.WithCancel(context.Background())
			child := make(chan context.Context, 1)
			returned := make(chan struct{})
			res := goDo(&f, ctx, "k", func(fctx context.Context) (int, error) {
				defer close(returned)
				if s := fmt.Sprint(fctx); !strings.Contains(s, "Flight") {
					t.Errorf("fn's context prints as %q, want it named", s)
				}
				c, stop := context.WithCancel(fctx)
				defer stop()
				child <- c
				<-c.Done()
				return 0, nil
			})
			c := <-child
			synctest.Wait()
			if c.Err() != nil {
				t.Fatalf("child of fn's context: Err() = %v while a caller waits", c.Err())
			}
			cancel()
			(<-res).want(t, "caller", 0, context.Canceled, false)
			<-returned
			if context.Cause(c) != context.Canceled {
				t.Errorf("child of fn's context: Cause() = %v, want context.Canceled", context.Cause(c))
			}
		})
	})
}

// fnContextEnds checks that fn's context on a goroutine of its own is
// cancelled once fn has returned.
func fnContextEnds(t *testing.T) {
	var f group.Flight[string, int]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var fctx context.Context
	f.Do(ctx, "k", func(ctx context.Context) (int, error) {
		if ctx.Err() != nil {
			t.Errorf("fn's context: Err() = %v while fn runs", ctx.Err())
		}
		fctx = ctx
		return 0, nil
	})
	<-fctx.Done()
}
