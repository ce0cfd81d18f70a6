package cancel

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestRetryStopsOnOneLine checks that every way Retry gives up with f's
// error and a reason returns one line of text, f's error first, that
// errors.Is and errors.As find both in.
func TestRetryStopsOnOneLine(t *testing.T) {
	pathErr := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	for _, tc := range []struct {
		name string
		b    Backoff
		ctx  func(context.Context) (context.Context, context.CancelFunc)
		err  error // f's error, every time
		want string
		why  error
	}{
		{
			name: "deadline while waiting",
			b:    Backoff{Initial: time.Second, Multiplier: 1},
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, 2500*time.Millisecond)
			},
			err:  errBusy,
			want: "429 Too Many Requests; context deadline exceeded",
			why:  context.DeadlineExceeded,
		},
		{
			name: "Retry-After past the deadline",
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, time.Second)
			},
			err:  RetryAfter(errBusy, time.Hour),
			want: "429 Too Many Requests; context deadline exceeded",
			why:  context.DeadlineExceeded,
		},
		{
			name: "cause while waiting",
			b:    Backoff{Initial: time.Second, Multiplier: 1},
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeoutCause(ctx, 1500*time.Millisecond, errStop)
			},
			err:  pathErr,
			want: "open x: file does not exist; stop",
			why:  errStop,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				fullJitter(t)
				ctx, cancel := tc.ctx(t.Context())
				defer cancel()
				_, err := Retry(ctx, tc.b, func(context.Context) (int, error) { return 0, tc.err })
				var perr *fs.PathError
				if err == nil || err.Error() != tc.want || !errors.Is(err, tc.err) || !errors.Is(err, tc.why) {
					t.Errorf("Retry() = %q, want %q, matching %v and %v", err, tc.want, tc.err, tc.why)
				}
				if tc.err == pathErr && (!errors.As(err, &perr) || perr != pathErr) {
					t.Errorf("errors.As(Retry(), *PathError) = false, want true")
				}
			})
		})
	}
}

// TestRetryRetryable checks that Retry stops at once, with f's error as
// it is, on an error that Retryable rejects, and retries the others.
func TestRetryRetryable(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		fullJitter(t)
		errFatal := errors.New("400 Bad Request")
		var seen []error
		b := Backoff{Initial: time.Second, Multiplier: 1, Retryable: func(err error) bool {
			seen = append(seen, err)
			return !errors.Is(err, errFatal)
		}}
		var calls []time.Duration
		start := time.Now()
		v, err := Retry(t.Context(), b, script(start, &calls, errBusy, RetryAfter(errBusy, 0), errFatal, nil))
		if v != 3 || err != errFatal {
			t.Errorf("Retry() = %v, %v, want 3, %v", v, err, errFatal)
		}
		if want := seconds(0, 1, 1); !equal(calls, want) {
			t.Errorf("attempts at %v, want %v", calls, want)
		}
		if len(seen) != 3 || seen[0] != errBusy || seen[2] != errFatal {
			t.Errorf("Retryable saw %v, want the three errors", seen)
		}

		// A Permanent error stops Retry without asking Retryable.
		seen = nil
		calls = nil
		b.Retryable = func(err error) bool { seen = append(seen, err); return true }
		if _, err := Retry(t.Context(), b, script(time.Now(), &calls, Permanent(errFatal))); err != errFatal || seen != nil {
			t.Errorf("Retry() = %v, Retryable saw %v; want %v, nothing", err, seen, errFatal)
		}

		// Retryable sees an attempt's error as OnRetry does, joined with
		// context.DeadlineExceeded when it ran out of AttemptTimeout.
		seen = nil
		b = Backoff{Attempts: 2, AttemptTimeout: time.Second, Retryable: func(err error) bool {
			seen = append(seen, err)
			return !errors.Is(err, context.DeadlineExceeded)
		}}
		_, err = Retry(t.Context(), b, func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, errBusy
		})
		if len(seen) != 1 || !errors.Is(err, errBusy) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Retry() = %v after Retryable saw %v, want one attempt that timed out", err, seen)
		}
	})
}
