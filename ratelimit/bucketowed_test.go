package ratelimit

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// cancelBehind sets up a bucket of burst 2 at 1000/s at time 0 in which A
// reserved 2 tokens due at 2ms and B one due at 3ms, and A was cancelled:
// of A's 2 tokens, the one B does not count on has come back.
func cancelBehind(t *testing.T) *TokenBucket {
	t.Helper()
	b := NewTokenBucket(1_000, 2)
	b.AllowN(2)
	ctxA, cancelA := context.WithCancel(context.Background())
	errA := make(chan error, 1)
	go func() { errA <- b.WaitN(ctxA, 2) }()
	synctest.Wait()
	go func() {
		if err := b.WaitN(context.Background(), 1); err != nil {
			t.Errorf("B: WaitN(1) = %v, want nil", err)
		}
	}()
	synctest.Wait()
	cancelA()
	if err := <-errA; !errors.Is(err, context.Canceled) {
		t.Fatalf("A: WaitN(2) = %v, want %v", err, context.Canceled)
	}
	return b
}

// TestCancelBehindGivesBackTheRest checks that a cancelled Wait behind a
// later one gives back what the later one does not count on: C, coming
// after A's cancellation, passes at 3ms with B, on the token A gave back.
func TestCancelBehindGivesBackTheRest(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := cancelBehind(t)
		start := time.Now()
		if err := b.Wait(context.Background()); err != nil {
			t.Fatalf("C: Wait() = %v, want nil", err)
		}
		if got, want := time.Since(start), 3*time.Millisecond; got != want {
			t.Errorf("C passed after %v, want %v", got, want)
		}
	})
}

// TestOwedTokensCappedAfterCancel checks that the tokens a late Wait loop
// may take above burst stay r*(now-D), D being the newest Wait's time, when
// a cancelled Wait gave tokens back meanwhile: 8ms after B's time, the
// schedule owes 8 tokens, not the 9 that refilled since A's cancellation.
func TestOwedTokensCappedAfterCancel(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := cancelBehind(t)
		time.Sleep(11 * time.Millisecond)
		if got := waitsAtOnce(t, b.Wait); got != 8 {
			t.Errorf("8ms after the newest Wait's time: %d Waits at once, want 8", got)
		}
	})
}

// TestZeroRateWaitWithDeadline checks that a wait on an empty bucket that
// never refills fails with ErrNeverAllowed, not with DeadlineExceeded, when
// ctx has a deadline.
func TestZeroRateWaitWithDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b := NewTokenBucket(0, 1)
	b.Allow()
	if err := b.Wait(ctx); !errors.Is(err, ErrNeverAllowed) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("TokenBucket: Wait() at rate 0 = %v, want ErrNeverAllowed", err)
	}
	k := NewKeyed[int](0, 1)
	k.Allow(0)
	if err := k.Wait(ctx, 0); !errors.Is(err, ErrNeverAllowed) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Keyed: Wait() at rate 0 = %v, want ErrNeverAllowed", err)
	}
}

// TestZeroRateLeftoverOwesNothing checks that tokens left at rate 0 are
// owed to no Wait once the rate rises: they are the burst, which the rate
// never added, so the bucket lets burst Waits pass at once, like any bucket
// whose newest Wait lies far back. A Wait that took the last token at rate
// 0 got it at its own time, and the new rate then owes the tokens it adds
// since, for CatchUp.
func TestZeroRateLeftoverOwesNothing(t *testing.T) {
	for _, tc := range []struct {
		burst, want int
	}{{2, 2}, {1, 9}} {
		conctest.Bubble(t, func(t *testing.T) {
			b := NewTokenBucket(0, tc.burst)
			if err := b.Wait(context.Background()); err != nil {
				t.Fatalf("Wait() = %v, want nil", err)
			}
			b.SetLimit(1_000)
			time.Sleep(9 * time.Millisecond)
			if got := waitsAtOnce(t, b.Wait); got != tc.want {
				t.Errorf("burst %d, 9ms after SetLimit(1000): %d Waits at once, want %d", tc.burst, got, tc.want)
			}
		})
	}
}
