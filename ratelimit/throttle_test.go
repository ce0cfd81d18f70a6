package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/internal/panics"
	"github.com/gopatterns/concurrency/internal/scope"
	"golang.org/x/time/rate"
)

func generate(n int) <-chan int {
	ch := make(chan int, n)
	for i := range n {
		ch <- i
	}
	close(ch)
	return ch
}

func TestThrottlePacesEveryValue(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		start := time.Now()
		i := 0
		for v := range Throttle(context.Background(), generate(10), NewTicker(100*time.Millisecond)) {
			if v != i {
				t.Errorf("value %d = %d, want %d", i, v, i)
			}
			if got, want := time.Since(start), time.Duration(i)*100*time.Millisecond; got != want {
				t.Errorf("value %d after %v, want %v", i, got, want)
			}
			i++
		}
		if i != 10 {
			t.Errorf("got %d values, want 10", i)
		}
	})
}

func TestThrottleStopsOnCtxDone(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		in := make(chan int) // never closed
		go func() {
			for i := 0; ; i++ {
				select {
				case in <- i:
				case <-ctx.Done():
					return
				}
			}
		}()
		out := Throttle(ctx, in, NewTokenBucket(10, 1))
		for range 3 {
			<-out
		}
		cancel()
		for range out {
		}
		synctest.Wait()
	})
}

func TestThrottleStopsWhenNobodyReads(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out := Throttle(ctx, generate(5), NewTicker(time.Millisecond))
		<-out
		cancel()
		synctest.Wait() // the bubble fails the test if the goroutine is left
	})
}

func TestThrottleStopsOnWaitError(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Second)
		out := Throttle(context.Background(), generate(5), tk)
		<-out
		tk.Stop()
		n := 0
		for range out {
			n++
		}
		if n != 0 {
			t.Errorf("%d values after Stop, want 0", n)
		}
	})
}

// funcLimiter is a Limiter of a kind that can be nil without a pointer.
type funcLimiter func(context.Context) error

func (f funcLimiter) Allow() bool                    { return f(context.Background()) == nil }
func (f funcLimiter) Wait(ctx context.Context) error { return f(ctx) }

// TestThrottleBadInput checks that bad arguments panic at once in the
// caller with the exact message, before the goroutine starts.
func TestThrottleBadInput(t *testing.T) {
	var nilCtx context.Context
	ctx := context.Background()
	var nilCh chan int
	l := NewTokenBucket(10, 1)
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"nil ctx", func() { Throttle(nilCtx, generate(1), l) }, "ratelimit: nil context"},
		{"nil in", func() { Throttle(ctx, nilCh, l) }, "ratelimit: nil input channel"},
		{"nil limiter", func() { Throttle(ctx, generate(1), nil) }, "ratelimit: nil limiter"},
		{"nil *TokenBucket", func() { Throttle(ctx, generate(1), (*TokenBucket)(nil)) }, "ratelimit: nil limiter"},
		{"nil *Ticker", func() { Throttle(ctx, generate(1), (*Ticker)(nil)) }, "ratelimit: nil limiter"},
		{"nil *rate.Limiter", func() { Throttle(ctx, generate(1), (*rate.Limiter)(nil)) }, "ratelimit: nil limiter"},
		{"nil func limiter", func() { Throttle(ctx, generate(1), funcLimiter(nil)) }, "ratelimit: nil limiter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(conctest.Panics(t, tt.want, tt.call)); got != tt.want {
				t.Errorf("panic = %v, want %q", got, tt.want)
			}
		})
	}
}

func newScope(parent context.Context) (*scope.Scope, context.Context) {
	s := new(scope.Scope)
	return s, s.Init(parent)
}

// TestThrottleJoinedByScope stops a Throttle under a scope (the registry
// behind pipeline.Scope) while its limiter waits, and checks that when Wait
// returns the limiter's Wait has returned and the output is closed.
func TestThrottleJoinedByScope(t *testing.T) {
	for range 100 {
		s, ctx := newScope(context.Background())
		var tr conctest.Tracker
		l := funcLimiter(func(ctx context.Context) error {
			tr.Do(func() {
				<-ctx.Done()
				for range 50 {
					runtime.Gosched()
				}
			})
			return context.Cause(ctx)
		})
		out := Throttle(ctx, generate(3), l)
		stop := errors.New("stop")
		s.Stop(stop)
		if err := s.Wait(); err != stop {
			t.Fatalf("Wait() = %v, want %v", err, stop)
		}
		if tr.Now() != 0 {
			t.Fatal("the limiter's Wait still runs after the scope's Wait")
		}
		select {
		case _, ok := <-out:
			if ok {
				t.Fatal("a value after Stop")
			}
		default:
			t.Fatal("output open after the scope's Wait")
		}
	}
}

func TestThrottlePanicUnderScope(t *testing.T) {
	s, ctx := newScope(context.Background())
	out := Throttle(ctx, generate(3), funcLimiter(func(context.Context) error { panic("limiter boom") }))
	for range out {
		t.Error("a value passed a limiter that panicked")
	}
	perr, ok := context.Cause(ctx).(*panics.Error)
	if !ok || perr.Value != "limiter boom" {
		t.Fatalf("Cause = %v when the output closed, want the *panics.Error", context.Cause(ctx))
	}
	for range 2 {
		func() {
			defer func() {
				if got := recover(); got != perr {
					t.Errorf("Wait panicked with %v, want %v", got, perr)
				}
			}()
			s.Wait()
		}()
	}
}

func TestThrottleAfterScopeWait(t *testing.T) {
	s, ctx := newScope(context.Background())
	s.Wait()
	out := Throttle(ctx, generate(3), NewTokenBucket(rate.Inf, 1))
	select {
	case v, ok := <-out:
		if ok {
			t.Errorf("Throttle after Wait delivered %v, want a closed channel", v)
		}
	default:
		t.Error("Throttle after Wait returned an open channel, want it closed at once")
	}
}

// TestThrottleStopsWhileSending checks that the goroutine exits when ctx is
// done while it is blocked handing a value on, not only while it waits.
func TestThrottleStopsWhileSending(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out := Throttle(ctx, generate(2), NewTicker(time.Millisecond))
		<-out
		time.Sleep(10 * time.Millisecond) // the second value is ready to send
		cancel()
		synctest.Wait()
		if v, ok := <-out; ok {
			t.Errorf("receive after cancel = %v, want the channel closed", v)
		}
	})
}
