package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// limiterCase is a Limiter under test, built fresh for each run.
type limiterCase struct {
	name string
	make func(r rate.Limit, burst int) Limiter
}

// keyedLimiter adapts one key of a Keyed to Limiter.
type keyedLimiter struct{ k *Keyed[int] }

func (l keyedLimiter) Allow() bool                    { return l.k.Allow(0) }
func (l keyedLimiter) Wait(ctx context.Context) error { return l.k.Wait(ctx, 0) }

// bucketCases are the token-bucket limiters, rate.Limiter first as the
// reference.
func bucketCases() []limiterCase {
	return []limiterCase{
		{"rate.Limiter", func(r rate.Limit, b int) Limiter { return rate.NewLimiter(r, b) }},
		{"TokenBucket", func(r rate.Limit, b int) Limiter { return NewTokenBucket(r, b) }},
		{"Keyed", func(r rate.Limit, b int) Limiter { return keyedLimiter{NewKeyed[int](r, b)} }},
		{"All", func(r rate.Limit, b int) Limiter { return All(NewTokenBucket(r, b)) }},
	}
}

// TestCancelBehindLaterReservation checks that a cancelled Wait gives back
// only what no later Wait has counted on: with burst 1 at 10/s, A reserves
// the token due at 100ms and B the one at 200ms; when A is cancelled, B
// still needs A's refill, so C must wait for 300ms, not pass with B.
func TestCancelBehindLaterReservation(t *testing.T) {
	for _, tc := range bucketCases() {
		t.Run(tc.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				l := tc.make(10, 1)
				l.Allow()
				p := &passTimes{start: time.Now()}
				ctxA, cancelA := context.WithCancel(context.Background())
				p.wait(ctxA, l)
				p.wait(context.Background(), l)
				cancelA()
				synctest.Wait()
				p.wait(context.Background(), l)
				p.distinct(t)
				if want := []time.Duration{200 * time.Millisecond, 300 * time.Millisecond}; len(p.at) != 2 || p.at[0] != want[0] || p.at[1] != want[1] {
					t.Errorf("B and C passed at %v, want %v", p.at, want)
				}
			})
		})
	}
}

// TestCancelNewestReservation checks that cancelling the newest reservation
// gives its whole token back.
func TestCancelNewestReservation(t *testing.T) {
	for _, tc := range bucketCases() {
		t.Run(tc.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				l := tc.make(10, 1)
				l.Allow()
				p := &passTimes{start: time.Now()}
				p.wait(context.Background(), l)
				ctxB, cancelB := context.WithCancel(context.Background())
				p.wait(ctxB, l)
				cancelB()
				synctest.Wait()
				p.wait(context.Background(), l)
				p.distinct(t)
				if want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}; len(p.at) != 2 || p.at[0] != want[0] || p.at[1] != want[1] {
					t.Errorf("A and C passed at %v, want %v", p.at, want)
				}
			})
		})
	}
}

// TestWaitBeyondClock checks waits too long for the limiter's nanosecond
// clock (about 292 years): without a deadline they fail at once with
// ErrNeverAllowed, never with DeadlineExceeded, and never pass at once.
func TestWaitBeyondClock(t *testing.T) {
	cases := bucketCases()[1:]
	cases = append(cases, limiterCase{"Ticker", func(r rate.Limit, _ int) Limiter {
		return NewTicker(time.Duration(min(float64(time.Second)/float64(r), math.MaxInt64/2*1.999)))
	}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []rate.Limit{1e-9, rate.Limit(1e9 / math.Exp2(63))} {
				t.Run(fmt.Sprint(r), func(t *testing.T) { waitBeyondClock(t, tc, r) })
			}
		})
	}
}

// waitBeyondClock runs TestWaitBeyondClock for one limiter and rate.
func waitBeyondClock(t *testing.T, tc limiterCase, r rate.Limit) {
	conctest.Bubble(t, func(t *testing.T) {
		l := tc.make(r, 1)
		l.Allow()
		var err error
		for i := 0; i < 20 && err == nil; i++ {
			start := time.Now()
			err = l.Wait(context.Background())
			if err == nil && time.Since(start) == 0 {
				t.Errorf("rate %v: Wait() on an empty bucket = nil at once, want a wait or an error", r)
			}
		}
		if !errors.Is(err, ErrNeverAllowed) || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("rate %v: Wait() = %v, want ErrNeverAllowed", r, err)
		}
		// With a deadline, a wait past it fails as one.
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("rate %v: Wait(ctx with deadline) = %v, want DeadlineExceeded", r, err)
		}
		if l.Allow() {
			t.Errorf("rate %v: Allow() = true, want false", r)
		}
	})
}

// waitsAtOnce returns how many Waits on l pass before the clock moves.
func waitsAtOnce(t *testing.T, wait func(context.Context) error) int {
	t.Helper()
	n := 0
	for ; n < 10_000; n++ {
		start := time.Now()
		if err := wait(context.Background()); err != nil {
			t.Fatalf("Wait() = %v, want nil", err)
		}
		if time.Since(start) > 0 {
			break
		}
	}
	return n
}

// TestIdleBuildsNoOwedTokens checks that tokens above burst go only to a
// Wait loop that woke late: a fresh bucket, idle for less than CatchUp,
// lets exactly burst Waits pass at once, as rate.Limiter does.
func TestIdleBuildsNoOwedTokens(t *testing.T) {
	for _, tc := range bucketCases() {
		t.Run(tc.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				l := tc.make(10_000, 1)
				idle := CatchUp - time.Millisecond
				time.Sleep(idle)
				if got := waitsAtOnce(t, l.Wait); got != 1 {
					t.Errorf("fresh bucket of 1, idle %v: %d Waits at once, want 1", idle, got)
				}
			})
		})
	}
}

// TestOwedTokensExpire checks that a late Wait loop gets the tokens the
// schedule owes since its last Wait was due, for up to CatchUp, and none
// after.
func TestOwedTokensExpire(t *testing.T) {
	for _, idle := range []time.Duration{3 * time.Millisecond, CatchUp, CatchUp + time.Millisecond} {
		conctest.Bubble(t, func(t *testing.T) {
			b := NewTokenBucket(1_000, 1)
			b.Wait(context.Background())
			b.Wait(context.Background()) // due at 1ms
			time.Sleep(idle)
			want := int(idle / time.Millisecond)
			if idle > CatchUp {
				want = 1
			}
			if got := waitsAtOnce(t, b.Wait); got != want {
				t.Errorf("%v after the last due Wait: %d Waits at once, want %d", idle, got, want)
			}
		})
	}
}

// TestSetBurstDropsExcess checks that lowering the burst drops the tokens
// above it, for Wait as for Allow.
func TestSetBurstDropsExcess(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(100_000, 100)
		b.SetBurst(1)
		if got := waitsAtOnce(t, b.Wait); got != 1 {
			t.Errorf("after SetBurst(1): %d Waits at once, want 1", got)
		}
		if got := b.Tokens(); got != 0 {
			t.Errorf("Tokens() = %v, want 0", got)
		}
	})
}

// TestSetLimitKeepsAccruedTokens checks that tokens accrued before SetLimit
// count at the old rate.
func TestSetLimitKeepsAccruedTokens(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1, 10)
		b.AllowN(10)
		time.Sleep(500 * time.Millisecond)
		b.SetLimit(10)
		if got := b.Tokens(); math.Abs(got-0.5) > 1e-9 {
			t.Errorf("Tokens() after SetLimit(10) = %v, want 0.5", got)
		}
		b.SetBurst(5)
		if got := b.Tokens(); math.Abs(got-0.5) > 1e-9 {
			t.Errorf("Tokens() after SetBurst(5) = %v, want 0.5", got)
		}
	})
}
