package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestTokenBucketBurst(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(10, 5)
		if got := allowNow(b.Allow); got != 5 {
			t.Errorf("full bucket of 5: %d events at once, want 5", got)
		}
		time.Sleep(100 * time.Millisecond)
		if got := allowNow(b.Allow); got != 1 {
			t.Errorf("after 100ms at 10/s: %d events, want 1", got)
		}
		time.Sleep(time.Hour)
		if !b.AllowN(5) {
			t.Error("AllowN(5) on a full bucket of 5 = false, want true")
		}
		time.Sleep(time.Hour)
		if b.AllowN(6) {
			t.Error("AllowN(6) with burst 5 = true, want false")
		}
		if got := b.Tokens(); got != 5 {
			t.Errorf("Tokens() after a refused AllowN = %v, want 5", got)
		}
		if !b.AllowN(0) {
			t.Error("AllowN(0) = false, want true")
		}
	})
}

func TestTokenBucketRate(t *testing.T) {
	for _, tc := range []struct {
		perSec, burst int
	}{{10, 1}, {1_000, 1}, {10_000, 10}} {
		t.Run(fmt.Sprintf("%d/s,burst=%d", tc.perSec, tc.burst), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				b := NewTokenBucket(rate.Limit(tc.perSec), tc.burst)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				got := waitLoop(t, ctx, b.Wait)
				if want := 10*tc.perSec + tc.burst; !within(got, want) {
					t.Errorf("Wait loop for 10s: %d events, want %d within 1%%", got, want)
				}
			})
		})
	}
}

// TestTokenBucketLateWaiter shows that a waiter the runtime wakes late keeps
// the rate: each Wait that slept is followed by 1.5 ms more, as a Go timer
// oversleeps. A strict bucket of burst 10 at 10,000/s would overflow during
// each such delay and lose about a third of the rate.
func TestTokenBucketLateWaiter(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(10_000, 10)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		n := 0
		for {
			start := time.Now()
			if err := b.Wait(ctx); err != nil {
				break
			}
			n++
			if time.Since(start) > 0 {
				time.Sleep(1500 * time.Microsecond)
			}
		}
		if want := 100_000; !within(n, want) {
			t.Errorf("late waiter got %d events in 10s, want %d within 1%%", n, want)
		}
	})
}

// TestTokenBucketIdleNoBurst shows that idle time builds no more than burst,
// for Allow and for Wait alike.
func TestTokenBucketIdleNoBurst(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(10_000, 10)
		allowNow(b.Allow)
		time.Sleep(time.Minute)
		start := time.Now()
		n := 0
		for ; time.Since(start) == 0; n++ {
			if err := b.Wait(context.Background()); err != nil {
				t.Fatalf("Wait() = %v, want nil", err)
			}
		}
		if got := n - 1; got != 10 {
			t.Errorf("after an idle minute %d waits passed at once, want 10", got)
		}
	})
}

func TestTokenBucketOwedCap(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1_000, 1)
		ctx := context.Background()
		b.Wait(ctx)
		b.Wait(ctx) // sleeps 1ms
		time.Sleep(3 * time.Millisecond)
		if got := b.Tokens(); got != 1 {
			t.Errorf("Tokens() = %v, want 1 (Allow never sees more than burst)", got)
		}
		start := time.Now()
		n := 0
		for ; time.Since(start) == 0; n++ {
			b.Wait(ctx)
		}
		if got, want := n-1, 3; got != want {
			t.Errorf("3ms late: %d waits at once, want %d", got, want)
		}
	})
}

func TestTokenBucketWaitDeadline(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1, 1)
		b.Allow()
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := b.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait() = %v, want %v", err, context.DeadlineExceeded)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Wait() failed after %v, want at once", d)
		}
		if got := b.Tokens(); got != 0 {
			t.Errorf("Tokens() after a failed Wait = %v, want 0", got)
		}
		time.Sleep(time.Second)
		if !b.Allow() {
			t.Error("Allow() after 1s = false: the failed Wait took a token")
		}
	})
}

func TestTokenBucketWaitCancel(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1, 1)
		cause := errors.New("gave up")
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		if err := b.Wait(ctx); err != cause {
			t.Errorf("Wait(done ctx) = %v, want %v", err, cause)
		}
		if got := b.Tokens(); got != 1 {
			t.Errorf("Tokens() after Wait(done ctx) = %v, want 1", got)
		}
		b.Allow()
		ctx, cancel = context.WithCancelCause(context.Background())
		go func() {
			time.Sleep(300 * time.Millisecond)
			cancel(cause)
		}()
		if err := b.Wait(ctx); err != cause {
			t.Errorf("Wait() = %v, want %v", err, cause)
		}
		// The token reserved for 1s was given back.
		if got, want := b.Tokens(), 0.3; math.Abs(got-want) > 1e-9 {
			t.Errorf("Tokens() after cancelled Wait = %v, want %v", got, want)
		}
	})
}

func TestTokenBucketNeverAllowed(t *testing.T) {
	b := NewTokenBucket(10, 2)
	if err := b.WaitN(context.Background(), 3); !errors.Is(err, ErrNeverAllowed) {
		t.Errorf("WaitN(3) with burst 2 = %v, want %v", err, ErrNeverAllowed)
	}
	b = NewTokenBucket(0, 2)
	if !b.AllowN(2) {
		t.Error("AllowN(2) on a full bucket with rate 0 = false, want true")
	}
	if err := b.Wait(context.Background()); !errors.Is(err, ErrNeverAllowed) {
		t.Errorf("Wait() on an empty bucket with rate 0 = %v, want %v", err, ErrNeverAllowed)
	}
	var zero TokenBucket
	if zero.Allow() {
		t.Error("zero TokenBucket: Allow() = true, want false")
	}
	if err := zero.Wait(context.Background()); !errors.Is(err, ErrNeverAllowed) {
		t.Errorf("zero TokenBucket: Wait() = %v, want %v", err, ErrNeverAllowed)
	}
}

func TestTokenBucketInf(t *testing.T) {
	b := NewTokenBucket(rate.Inf, 0)
	for range 1000 {
		if !b.Allow() {
			t.Fatal("Allow() with rate.Inf = false, want true")
		}
	}
	if err := b.WaitN(context.Background(), 1000); err != nil {
		t.Errorf("WaitN(1000) with rate.Inf = %v, want nil", err)
	}
	b.SetLimit(1)
	if got := allowNow(b.Allow); got != 1 {
		t.Errorf("after SetLimit(1) from rate.Inf with burst 0: %d events at once, want 1", got)
	}
}

func TestTokenBucketSetLimitSetBurst(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1, 1)
		b.Allow()
		time.Sleep(500 * time.Millisecond)
		b.SetLimit(10) // half a token accrued at the old rate stays
		time.Sleep(50 * time.Millisecond)
		if got := b.Tokens(); math.Abs(got-1) > 1e-9 {
			t.Errorf("Tokens() = %v, want 1", got)
		}
		b.SetBurst(3)
		time.Sleep(time.Second)
		if got := allowNow(b.Allow); got != 3 {
			t.Errorf("after SetBurst(3): %d events at once, want 3", got)
		}
		b.SetBurst(1)
		time.Sleep(time.Second)
		if got := allowNow(b.Allow); got != 1 {
			t.Errorf("after SetBurst(1): %d events at once, want 1", got)
		}
		b.SetLimit(rate.Inf)
		if got := b.Tokens(); got != 1 {
			t.Errorf("Tokens() with rate.Inf = %v, want 1", got)
		}
	})
}

func TestTokenBucketConcurrentSetters(t *testing.T) {
	b := NewTokenBucket(1000, 10)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for ctx.Err() == nil {
				switch i % 4 {
				case 0:
					b.Allow()
				case 1:
					b.Wait(ctx)
				case 2:
					b.SetLimit(rate.Limit(500 + i))
					b.Tokens()
				case 3:
					b.SetBurst(5 + i)
				}
			}
		})
	}
	wg.Wait()
}

func TestNewTokenBucketPanics(t *testing.T) {
	for _, tc := range []struct {
		r     rate.Limit
		burst int
	}{{1, 0}, {1, -1}, {0, 0}, {-1, 1}, {rate.Limit(math.NaN()), 1}} {
		conctest.Panics(t, "ratelimit: ", func() { NewTokenBucket(tc.r, tc.burst) })
	}
	b := NewTokenBucket(1, 1)
	conctest.Panics(t, "ratelimit: ", func() { b.SetBurst(0) })
	conctest.Panics(t, "ratelimit: ", func() { b.SetLimit(-1) })
	conctest.Panics(t, "ratelimit: ", func() { b.AllowN(-1) })
	conctest.Panics(t, "ratelimit: ", func() { b.WaitN(context.Background(), -1) })
}
