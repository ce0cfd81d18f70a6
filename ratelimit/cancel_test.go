package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestWaitRandomCancel cancels every kind of Wait, and Throttle, at random
// points: each returns nil or the cause, never hangs, and leaves no
// goroutine behind (TestMain checks).
func TestWaitRandomCancel(t *testing.T) {
	const fast = 100 * time.Microsecond
	keyed := NewKeyed[int](rate.Every(fast), 1)
	waits := map[string]func(context.Context) error{
		"Ticker":      NewTicker(fast).Wait,
		"TokenBucket": NewTokenBucket(rate.Every(fast), 1).Wait,
		"Keyed":       func(ctx context.Context) error { return keyed.Wait(ctx, 1) },
		"All":         All(NewTicker(fast), NewTokenBucket(rate.Every(fast), 1), rate.NewLimiter(rate.Every(fast), 1)).Wait,
	}
	for name, wait := range waits {
		for range 200 {
			ctx, stop := conctest.RandomCancel(context.Background(), 50)
			if err := wait(ctx); err != nil && !errors.Is(err, conctest.ErrRandomCancel) {
				t.Fatalf("%s: Wait() = %v, want nil or %v", name, err, conctest.ErrRandomCancel)
			}
			stop()
		}
	}
	for range 200 {
		ctx, stop := conctest.RandomCancel(context.Background(), 50)
		n := 0
		for range Throttle(ctx, generate(10), NewTicker(fast)) {
			n++
		}
		if ctx.Err() == nil && n != 10 {
			t.Fatalf("Throttle passed %d values before ctx was done, want 10", n)
		}
		stop()
	}
}
