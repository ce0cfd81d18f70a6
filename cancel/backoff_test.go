package cancel

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// hookCall is one call of Backoff.OnRetry.
type hookCall struct {
	attempt int
	err     error
	delay   time.Duration
	at      time.Duration // since the start of Retry
}

// OnRetry is called before each wait, with the attempt that failed, its
// error as f returned it and the wait, and the wait starts once it returns.
// It is not called after the last attempt.
func TestRetryOnRetry(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		halfJitter(t)
		var (
			calls []time.Duration
			hooks []hookCall
		)
		start := time.Now()
		busy := RetryAfter(errBusy, 5*time.Second)
		b := Backoff{Initial: 2 * time.Second, Attempts: 4}
		b.OnRetry = func(attempt int, err error, delay time.Duration) {
			hooks = append(hooks, hookCall{attempt, err, delay, time.Since(start)})
			time.Sleep(time.Second)
		}
		_, err := Retry(t.Context(), b, script(start, &calls, errStop, busy, errStop, errStop))
		if err != errStop {
			t.Errorf("Retry() = %v, want %v", err, errStop)
		}
		want := []hookCall{
			{1, errStop, time.Second, 0},                   // half of 2s
			{2, busy, 5 * time.Second, 2 * time.Second},    // asked for
			{3, errStop, 4 * time.Second, 8 * time.Second}, // half of 8s
		}
		if fmt.Sprint(hooks) != fmt.Sprint(want) {
			t.Errorf("OnRetry calls %v, want %v", hooks, want)
		}
		for i, h := range hooks {
			if h.err != want[i].err {
				t.Errorf("OnRetry call %d got error %#v, want %#v", i+1, h.err, want[i].err)
			}
		}
		if want := seconds(0, 2, 8, 13); !equal(calls, want) {
			t.Errorf("attempts at %v, want %v", calls, want)
		}
	})
}

// OnRetry is not called when Retry returns instead of waiting.
func TestRetryOnRetryNotCalled(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		defer cancel(nil)
		for _, tc := range []struct {
			name  string
			ctx   context.Context
			errs  []error
			hooks int
		}{
			{"success", t.Context(), []error{nil}, 0},
			{"permanent", t.Context(), []error{Permanent(errStop)}, 0},
			{"last attempt", t.Context(), []error{errStop, errStop}, 1},
			{"ctx done in f", ctx, []error{errStop}, 0},
		} {
			hooks := 0
			b := Backoff{Attempts: 2, OnRetry: func(int, error, time.Duration) { hooks++ }}
			var calls []time.Duration
			f := script(time.Now(), &calls, tc.errs...)
			Retry(tc.ctx, b, func(ctx context.Context) (int, error) {
				if tc.ctx != t.Context() {
					cancel(errStop)
				}
				return f(ctx)
			})
			if hooks != tc.hooks {
				t.Errorf("%s: OnRetry called %d times, want %d", tc.name, hooks, tc.hooks)
			}
		}
	})
}

// A panic in OnRetry goes up the caller's stack: OnRetry runs on the
// caller's goroutine (a panic elsewhere would crash the test binary).
func TestRetryOnRetryPanics(t *testing.T) {
	b := Backoff{OnRetry: func(int, error, time.Duration) { panic("hook") }}
	conctest.Panics(t, "hook", func() {
		Retry(t.Context(), b, func(context.Context) (int, error) { return 0, errStop })
	})
}

// hung returns an f that waits for its context and returns err (nil: the
// context's error), recording when each call started and its deadline.
func hung(start time.Time, calls, deadlines *[]time.Duration, err error) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		*calls = append(*calls, time.Since(start))
		if d, ok := ctx.Deadline(); ok {
			*deadlines = append(*deadlines, d.Sub(start))
		}
		<-ctx.Done()
		if err == nil {
			return 0, ctx.Err()
		}
		return len(*calls), err
	}
}

// Each attempt gets its own deadline; an attempt that times out is retried,
// and its error says it timed out.
func TestRetryAttemptTimeout(t *testing.T) {
	for _, tc := range []struct {
		err  error  // f's error on expiry; nil: its context's
		want string // Retry's error
	}{
		{nil, "context deadline exceeded"},
		{errStop, "stop; context deadline exceeded"},
	} {
		t.Run(fmt.Sprint(tc.err), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				fullJitter(t)
				var calls, deadlines []time.Duration
				start := time.Now()
				b := Backoff{Initial: time.Second, Multiplier: 1, Attempts: 3, AttemptTimeout: 2 * time.Second}
				_, err := Retry(t.Context(), b, hung(start, &calls, &deadlines, tc.err))
				if fmt.Sprint(err) != tc.want || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Retry() = %q, want %q", err, tc.want)
				}
				if want := seconds(0, 3, 6); !equal(calls, want) {
					t.Errorf("attempts at %v, want %v", calls, want)
				}
				if want := seconds(2, 5, 8); !equal(deadlines, want) {
					t.Errorf("attempt deadlines %v, want %v", deadlines, want)
				}
				if got := time.Since(start); got != 8*time.Second {
					t.Errorf("Retry took %v, want 8s", got)
				}
			})
		})
	}
}

// The parent's deadline, or its cancellation, still ends Retry, even in the
// middle of an attempt with a later deadline of its own.
func TestRetryAttemptTimeoutParentWins(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		fullJitter(t)
		ctx, cancel := context.WithTimeout(t.Context(), 4500*time.Millisecond)
		defer cancel()
		var calls, deadlines []time.Duration
		start := time.Now()
		b := Backoff{Initial: time.Second, Multiplier: 1, AttemptTimeout: 2 * time.Second}
		_, err := Retry(ctx, b, hung(start, &calls, &deadlines, nil))
		if err != context.DeadlineExceeded || time.Since(start) != 4500*time.Millisecond {
			t.Errorf("Retry() = %v after %v, want %v after 4.5s", err, time.Since(start), context.DeadlineExceeded)
		}
		if want := seconds(2, 4.5); !equal(deadlines, want) {
			t.Errorf("attempt deadlines %v, want %v", deadlines, want)
		}

		cctx, ccancel := context.WithCancelCause(t.Context())
		time.AfterFunc(time.Second, func() { ccancel(errStop) })
		calls, deadlines = nil, nil
		start = time.Now()
		_, err = Retry(cctx, b, hung(start, &calls, &deadlines, nil))
		if !errors.Is(err, errStop) || len(calls) != 1 || time.Since(start) != time.Second {
			t.Errorf("Retry() = %v after %d calls and %v, want %v after 1 and 1s", err, len(calls), time.Since(start), errStop)
		}
	})
}

// An attempt that succeeds within its timeout returns at once; with no
// AttemptTimeout f gets ctx itself.
func TestRetryAttemptTimeoutSuccess(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := Backoff{AttemptTimeout: time.Minute}
		v, err := Retry(t.Context(), b, func(ctx context.Context) (int, error) {
			time.Sleep(59 * time.Second)
			return 7, nil
		})
		if v != 7 || err != nil {
			t.Errorf("Retry() = %v, %v, want 7, nil", v, err)
		}
		Retry(t.Context(), Backoff{}, func(ctx context.Context) (int, error) {
			if ctx != t.Context() {
				t.Error("f got a derived context without AttemptTimeout")
			}
			return 0, nil
		})
	})
}

// OnRetry gets an attempt's error as Retry would return it: f's own error,
// joined with DeadlineExceeded when the attempt ran out of its time.
func TestRetryOnRetryAttemptTimeout(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var errs []error
		b := Backoff{Attempts: 2, AttemptTimeout: time.Second, OnRetry: func(_ int, err error, _ time.Duration) {
			errs = append(errs, err)
		}}
		var calls, deadlines []time.Duration
		_, err := Retry(t.Context(), b, hung(time.Now(), &calls, &deadlines, errStop))
		if len(errs) != 1 {
			t.Fatalf("OnRetry called %d times, want 1", len(errs))
		}
		if !errors.Is(errs[0], errStop) || !errors.Is(errs[0], context.DeadlineExceeded) || errs[0].Error() != err.Error() {
			t.Errorf("OnRetry got %q, want %q, as Retry returns it", errs[0], err)
		}
	})
}
