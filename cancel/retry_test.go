package cancel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestRetryAttempts(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		delays := fullJitter(t)
		var calls []time.Duration
		b := Backoff{Initial: time.Second, Max: 5 * time.Second, Attempts: 6}
		v, err := Retry(t.Context(), b, failing(time.Now(), &calls))
		if v != 6 || fmt.Sprint(err) != "fail 6" {
			t.Errorf("Retry() = %v, %v, want 6, fail 6", v, err)
		}
		if want := seconds(0, 1, 3, 7, 12, 17); !equal(calls, want) {
			t.Errorf("attempts at %v, want %v", calls, want)
		}
		if want := seconds(1, 2, 4, 5, 5); !equal(*delays, want) {
			t.Errorf("delays %v, want %v", *delays, want)
		}
	})
}

func TestRetryDefaults(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		delays := fullJitter(t)
		ctx, cancel := context.WithTimeout(t.Context(), 40*time.Second)
		defer cancel()
		var calls []time.Duration
		Retry(ctx, Backoff{}, failing(time.Now(), &calls))
		want := seconds(0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 10, 10, 10)
		if !equal(*delays, want) {
			t.Errorf("delays %v, want %v", *delays, want)
		}
	})
}

func TestRetryMultiplierOne(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		delays := fullJitter(t)
		var calls []time.Duration
		b := Backoff{Initial: time.Second, Multiplier: 1, Attempts: 4}
		Retry(t.Context(), b, failing(time.Now(), &calls))
		if want := seconds(1, 1, 1); !equal(*delays, want) {
			t.Errorf("delays %v, want %v", *delays, want)
		}
	})
}

// Initial above Max, and growth far past the range of time.Duration, are
// both held at Max.
func TestRetryCapped(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		delays := fullJitter(t)
		var calls []time.Duration
		b := Backoff{Initial: time.Hour, Max: time.Second, Multiplier: math.MaxFloat64, Attempts: 4}
		Retry(t.Context(), b, failing(time.Now(), &calls))
		if want := seconds(1, 1, 1); !equal(*delays, want) {
			t.Errorf("delays %v, want %v", *delays, want)
		}
		*delays = nil
		b = Backoff{Initial: time.Second, Max: math.MaxInt64, Multiplier: 1e10, Attempts: 4}
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		Retry(ctx, b, failing(time.Now(), &calls))
		if want := []time.Duration{time.Second, math.MaxInt64}; !equal(*delays, want) {
			t.Errorf("delays %v, want %v", *delays, want)
		}
		if got := time.Since(start); got != time.Hour {
			t.Errorf("Retry took %v, want %v", got, time.Hour)
		}
	})
}

// Each wait is drawn from [0, delay_k], and the draws spread over the range.
func TestRetryJitterBounds(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		const n = 2000
		var calls []time.Duration
		b := Backoff{Initial: time.Second, Max: 8 * time.Second, Attempts: n}
		Retry(t.Context(), b, failing(time.Now(), &calls))
		if len(calls) != n {
			t.Fatalf("%d attempts, want %d", len(calls), n)
		}
		low, high := 0, 0
		for k := range n - 1 {
			wait, limit := calls[k+1]-calls[k], 8*time.Second
			if k < 3 {
				limit = time.Second << k // 1s, 2s, 4s
			}
			if wait < 0 || wait > limit {
				t.Fatalf("wait %d = %v, want it in [0, %v]", k, wait, limit)
			}
			if k > 3 && wait < time.Second {
				low++
			}
			if k > 3 && wait > 7*time.Second {
				high++
			}
		}
		// About 1/8 of the waits should fall in each end; fewer than 1/16
		// would mean the draws are not uniform over [0, delay].
		if low < n/16 || high < n/16 {
			t.Errorf("of %d waits, %d below 1s and %d above 7s, want about %d each", n, low, high, n/8)
		}
	})
}

func TestRetrySucceeds(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		calls := 0
		v, err := Retry(t.Context(), Backoff{}, func(ctx context.Context) (string, error) {
			calls++
			if calls < 3 {
				return "", errStop
			}
			return "ok", nil
		})
		if v != "ok" || err != nil || calls != 3 {
			t.Errorf("Retry() = %q, %v after %d calls, want ok, nil after 3", v, err, calls)
		}
	})
}

func TestRetryPermanent(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		fullJitter(t)
		for _, wrap := range []func(error) error{
			Permanent,
			func(err error) error { return fmt.Errorf("op: %w", Permanent(err)) },
		} {
			calls := 0
			start := time.Now()
			_, err := Retry(t.Context(), Backoff{Initial: time.Second}, func(ctx context.Context) (int, error) {
				calls++
				if calls == 2 {
					return 0, wrap(errStop)
				}
				return 0, errors.New("again")
			})
			if err != errStop || calls != 2 {
				t.Errorf("Retry() = %v after %d calls, want %v after 2", err, calls, errStop)
			}
			if got := time.Since(start); got != time.Second {
				t.Errorf("Retry took %v, want %v", got, time.Second)
			}
		}
	})
}

func TestPermanent(t *testing.T) {
	if err := Permanent(nil); err != nil {
		t.Errorf("Permanent(nil) = %v, want nil", err)
	}
	err := Permanent(errStop)
	if err.Error() != errStop.Error() || !errors.Is(err, errStop) {
		t.Errorf("Permanent(%v) = %v, want the same text and errors.Is", errStop, err)
	}
}

// A cancel in the middle of a wait ends it at once, with the last error
// joined with the cause.
func TestRetryCancelledWaiting(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		fullJitter(t)
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(3*time.Second, func() { cancel(errStop) })
		var calls []time.Duration
		start := time.Now()
		v, err := Retry(ctx, Backoff{Initial: 2 * time.Second}, failing(start, &calls))
		if v != 2 || fmt.Sprint(err) != "fail 2; stop" || !errors.Is(err, errStop) {
			t.Errorf("Retry() = %v, %q, want 2, %q", v, err, "fail 2; stop")
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("Retry took %v, want %v", got, 3*time.Second)
		}
	})
}

// Attempts 0 retries until ctx is done.
func TestRetryUntilDeadline(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		fullJitter(t)
		ctx, cancel := context.WithTimeout(t.Context(), 59500*time.Millisecond)
		defer cancel()
		var calls []time.Duration
		start := time.Now()
		_, err := Retry(ctx, Backoff{Initial: time.Second, Multiplier: 1}, failing(start, &calls))
		if len(calls) != 60 || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Retry() = %v after %d calls, want %v after 60", err, len(calls), context.DeadlineExceeded)
		}
		if got := time.Since(start); got != 59500*time.Millisecond {
			t.Errorf("Retry took %v, want 59.5s", got)
		}
	})
}

// An attempt that fails on a done ctx is the last; an error that already
// reports the cause is not joined with it again.
func TestRetryCancelledInAttempt(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		calls := 0
		_, err := Retry(ctx, Backoff{}, func(ctx context.Context) (int, error) {
			calls++
			cancel(errStop)
			return 0, fmt.Errorf("op: %w", context.Cause(ctx))
		})
		if fmt.Sprint(err) != "op: stop" || calls != 1 {
			t.Errorf("Retry() = %q after %d calls, want %q after 1", err, calls, "op: stop")
		}
	})
}

func TestRetryLiveContext(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		type key struct{}
		ctx := context.WithValue(t.Context(), key{}, "v")
		calls := 0
		Retry(ctx, Backoff{Attempts: 5}, func(ctx context.Context) (int, error) {
			calls++
			if ctx.Err() != nil || ctx.Value(key{}) != "v" {
				t.Errorf("attempt %d: ctx.Err() = %v, Value = %v; want nil, v", calls, ctx.Err(), ctx.Value(key{}))
			}
			return 0, errStop
		})
		if calls != 5 {
			t.Errorf("%d attempts, want 5", calls)
		}
		done, cancel := context.WithCancelCause(ctx)
		cancel(errStop)
		_, err := Retry(done, Backoff{}, func(ctx context.Context) (int, error) {
			t.Error("Retry called f on a done ctx")
			return 0, nil
		})
		if err != errStop {
			t.Errorf("Retry(done ctx) = %v, want %v", err, errStop)
		}
	})
}

func TestRetryBadInput(t *testing.T) {
	f := func(context.Context) (int, error) { return 0, nil }
	for _, b := range []Backoff{
		{Initial: -1},
		{Max: -1},
		{Attempts: -1},
		{AttemptTimeout: -1},
		{Multiplier: 0.5},
		{Multiplier: -2},
		{Multiplier: math.NaN()},
	} {
		conctest.Panics(t, "cancel: Backoff", func() { Retry(t.Context(), b, f) })
	}
}

// TestBackoffGrowsBelowOneNanosecond: a step that adds less than a
// nanosecond still counts, so the delays follow Initial * Multiplier^k.
func TestBackoffGrowsBelowOneNanosecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		delays := fullJitter(t)
		b := Backoff{Initial: 1, Multiplier: 1.5, Attempts: 8}
		Retry(t.Context(), b, func(context.Context) (int, error) { return 0, errStop })
		want := []time.Duration{1, 1, 2, 3, 5, 7, 11} // floor(1.5^k)
		if !equal(*delays, want) {
			t.Errorf("delays = %v, want %v", *delays, want)
		}
	})
}

// jitter draws from [0, d], both ends included.
func TestJitterEnds(t *testing.T) {
	seen := map[time.Duration]int{}
	for range 1000 {
		seen[jitter(1)]++
	}
	if len(seen) != 2 || seen[0] == 0 || seen[1] == 0 {
		t.Errorf("jitter(1) drew %v, want both 0 and 1", seen)
	}
	if d := jitter(0); d != 0 {
		t.Errorf("jitter(0) = %v, want 0", d)
	}
}
