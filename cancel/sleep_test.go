package cancel

import (
	"context"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestSleepElapses(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		start := time.Now()
		if err := Sleep(t.Context(), 2*time.Second); err != nil {
			t.Errorf("Sleep() = %v, want nil", err)
		}
		if got := time.Since(start); got != 2*time.Second {
			t.Errorf("Sleep took %v, want %v", got, 2*time.Second)
		}
	})
}

func TestSleepCancelled(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(time.Second, func() { cancel(errStop) })
		start := time.Now()
		if err := Sleep(ctx, time.Hour); err != errStop {
			t.Errorf("Sleep() = %v, want %v", err, errStop)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Sleep took %v, want %v", got, time.Second)
		}
	})
}

func TestSleepDeadline(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := Sleep(ctx, 2*time.Second); err != context.DeadlineExceeded {
			t.Errorf("Sleep() = %v, want %v", err, context.DeadlineExceeded)
		}
	})
}

func TestSleepNonPositive(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		start := time.Now()
		for _, d := range []time.Duration{0, -time.Second} {
			if err := Sleep(t.Context(), d); err != nil {
				t.Errorf("Sleep(live ctx, %v) = %v, want nil", d, err)
			}
		}
		if got := time.Since(start); got != 0 {
			t.Errorf("Sleep(d <= 0) took %v, want 0", got)
		}
	})
}

func TestSleepDoneContext(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		cancel(errStop)
		start := time.Now()
		for _, d := range []time.Duration{-time.Second, 0, time.Second} {
			if err := Sleep(ctx, d); err != errStop {
				t.Errorf("Sleep(done ctx, %v) = %v, want %v", d, err, errStop)
			}
		}
		if got := time.Since(start); got != 0 {
			t.Errorf("Sleep(done ctx) took %v, want 0", got)
		}
	})
}
