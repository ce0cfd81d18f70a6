package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// sleepyLimiter is a Limiter that cannot give tokens back and whose Wait
// takes d, then calls after (if not nil) and allows the event.
type sleepyLimiter struct {
	d     time.Duration
	after func()
}

func (s sleepyLimiter) Allow() bool { return true }

func (s sleepyLimiter) Wait(ctx context.Context) error {
	time.Sleep(s.d)
	if s.after != nil {
		s.after()
	}
	return nil
}

// TestAllWaitCountsOtherWaits checks that the time spent in the Wait of a
// limiter that cannot give tokens back counts toward the wait for the
// reserved tokens: the result waits for the latest, not for their sum.
func TestAllWaitCountsOtherWaits(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tb := NewTokenBucket(1, 1)
		tb.Allow() // the next token comes in a second
		a := All(tb, sleepyLimiter{d: 400 * time.Millisecond})
		start := time.Now()
		if err := a.Wait(context.Background()); err != nil {
			t.Fatalf("Wait() = %v, want nil", err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Wait() took %v, want 1s: the token's time, which the other limiter's 400ms wait is part of", got)
		}
	})
}

// TestAllWaitNoSleepWhenDue checks that a Wait whose reserved tokens are due
// by the time the other limiters allowed the event returns nil even when
// ctx is done by then: it does not sleep, and so does not see ctx.
func TestAllWaitNoSleepWhenDue(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		for range 64 {
			tb := NewTokenBucket(1, 1)
			tb.Allow()
			ctx, cancel := context.WithCancel(context.Background())
			a := All(tb, sleepyLimiter{d: time.Second, after: cancel})
			if err := a.Wait(ctx); err != nil {
				t.Fatalf("Wait() = %v, want nil: the token was due when the other limiter allowed", err)
			}
			cancel()
		}
	})
}
