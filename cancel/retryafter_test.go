package cancel

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// errBusy stands for a server's 429 answer.
var errBusy = errors.New("429 Too Many Requests")

func TestRetryAfter(t *testing.T) {
	if err := RetryAfter(nil, time.Second); err != nil {
		t.Errorf("RetryAfter(nil) = %v, want nil", err)
	}
	err := RetryAfter(fmt.Errorf("get: %w", fs.ErrNotExist), time.Second)
	var perr *fs.PathError
	if err.Error() != "get: file does not exist" || !errors.Is(err, fs.ErrNotExist) || errors.As(err, &perr) {
		t.Errorf("RetryAfter() = %q, want the text of the error and errors.Is it", err)
	}
	err = RetryAfter(&fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}, time.Second)
	if !errors.As(err, &perr) || perr.Path != "x" {
		t.Errorf("errors.As(RetryAfter(*PathError)) = false, want true")
	}
}

// A RetryAfter delay is waited exactly: neither capped by Max nor drawn by
// jitter. The backoff still steps on, so the next backoff wait is the one
// after it; a negative delay retries at once.
func TestRetryAfterWaitsExactly(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		delays := halfJitter(t)
		var calls []time.Duration
		b := Backoff{Initial: time.Second, Max: 4 * time.Second}
		f := script(time.Now(), &calls,
			RetryAfter(errBusy, time.Minute), // over Max: waited in full
			errStop,                          // backoff: half of delay_1 = 2s
			RetryAfter(errBusy, -time.Hour),  // at once
			RetryAfter(errBusy, 3*time.Second+time.Millisecond),
			errStop, // backoff: half of delay_4 = Max
			nil)
		if v, err := Retry(t.Context(), b, f); v != 6 || err != nil {
			t.Errorf("Retry() = %v, %v, want 6, nil", v, err)
		}
		want := []time.Duration{0, time.Minute, 61 * time.Second, 61 * time.Second, 64*time.Second + time.Millisecond, 66*time.Second + time.Millisecond}
		if !equal(calls, want) {
			t.Errorf("attempts at %v, want %v", calls, want)
		}
		if want := seconds(2, 4); !equal(*delays, want) {
			t.Errorf("jitter drew from %v, want %v", *delays, want)
		}
	})
}

// The outermost RetryAfter counts; Permanent anywhere wins over it.
func TestRetryAfterWrapped(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var calls []time.Duration
		inner := fmt.Errorf("get: %w", RetryAfter(errBusy, time.Hour))
		f := script(time.Now(), &calls, RetryAfter(inner, time.Second), nil)
		Retry(t.Context(), Backoff{}, f)
		if want := seconds(0, 1); !equal(calls, want) {
			t.Errorf("attempts at %v, want %v", calls, want)
		}
		for _, err := range []error{
			Permanent(RetryAfter(errBusy, time.Hour)),
			RetryAfter(Permanent(errBusy), time.Hour),
		} {
			calls = nil
			_, got := Retry(t.Context(), Backoff{}, script(time.Now(), &calls, err))
			if !errors.Is(got, errBusy) || len(calls) != 1 {
				t.Errorf("Retry(%#v) = %v after %d calls, want %v after 1", err, got, len(calls), errBusy)
			}
		}
	})
}

// A RetryAfter delay that would end at or after ctx's deadline fails at
// once, with f's error joined to DeadlineExceeded; one that ends just before
// it is waited.
func TestRetryAfterPastDeadline(t *testing.T) {
	for _, tc := range []struct {
		delay time.Duration
		waits bool
	}{
		{9*time.Second - 1, true},
		{9 * time.Second, false},
		{time.Hour, false},
		{math.MaxInt64, false},
	} {
		t.Run(fmt.Sprint(tc.delay), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				hooked := 0
				b := Backoff{OnRetry: func(int, error, time.Duration) { hooked++ }}
				var calls []time.Duration
				start := time.Now()
				f := script(start, &calls, RetryAfter(errBusy, time.Second), RetryAfter(errBusy, tc.delay), nil)
				v, err := Retry(ctx, b, f)
				if tc.waits {
					if v != 3 || err != nil || hooked != 2 || time.Since(start) != 10*time.Second-1 {
						t.Errorf("Retry() = %v, %v after %v, %d hook calls; want 3, nil after 10s-1ns, 2", v, err, time.Since(start), hooked)
					}
					return
				}
				if v != 2 || !errors.Is(err, errBusy) || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Retry() = %v, %v, want 2 and an error matching %v and %v", v, err, errBusy, context.DeadlineExceeded)
				}
				if got := time.Since(start); got != time.Second || hooked != 1 || ctx.Err() != nil {
					t.Errorf("Retry returned after %v, %d hook calls, ctx.Err() = %v; want 1s, 1, nil", got, hooked, ctx.Err())
				}
			})
		})
	}
}

// Without a deadline any RetryAfter delay is waited, until ctx is cancelled.
func TestRetryAfterCancelled(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(time.Hour, func() { cancel(errStop) })
		var calls []time.Duration
		start := time.Now()
		_, err := Retry(ctx, Backoff{}, script(start, &calls, RetryAfter(errBusy, math.MaxInt64)))
		if !errors.Is(err, errBusy) || !errors.Is(err, errStop) || time.Since(start) != time.Hour {
			t.Errorf("Retry() = %v after %v, want %v and %v after 1h", err, time.Since(start), errBusy, errStop)
		}
	})
}

// An error that already matches DeadlineExceeded is not joined with it again.
func TestRetryAfterPastDeadlineNoDoubleJoin(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		busy := fmt.Errorf("upstream: %w", context.DeadlineExceeded)
		_, err := Retry(ctx, Backoff{}, func(context.Context) (int, error) {
			return 0, RetryAfter(busy, time.Hour)
		})
		if err.Error() != busy.Error() || !errors.Is(err, busy) {
			t.Errorf("Retry() = %q, want %q", err, busy)
		}
	})
}
