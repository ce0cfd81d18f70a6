package cancel

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestTimeoutResult(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		v, err := Timeout(t.Context(), time.Second, func(ctx context.Context) (int, error) {
			return 7, io.EOF
		})
		if v != 7 || err != io.EOF {
			t.Errorf("Timeout() = %v, %v, want 7, %v", v, err, io.EOF)
		}
	})
}

func TestTimeoutExpires(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		start := time.Now()
		var deadline time.Time
		v, err := Timeout(t.Context(), time.Second, func(ctx context.Context) (int, error) {
			deadline, _ = ctx.Deadline()
			return 7, Sleep(ctx, time.Hour)
		})
		if v != 7 || err != context.DeadlineExceeded {
			t.Errorf("Timeout() = %v, %v, want 7, %v", v, err, context.DeadlineExceeded)
		}
		if want := start.Add(time.Second); !deadline.Equal(want) {
			t.Errorf("f's ctx.Deadline() = %v, want %v", deadline, want)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Timeout took %v, want %v", got, time.Second)
		}
	})
}

// Whatever error f returns past the deadline, the result reports the expiry.
func TestTimeoutExpiresOtherError(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		_, err := Timeout(t.Context(), time.Second, func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, io.ErrClosedPipe
		})
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("Timeout() = %v, want it to match %v and %v", err, context.DeadlineExceeded, io.ErrClosedPipe)
		}
	})
}

// A success is a success, even when it comes after the deadline.
func TestTimeoutLateSuccess(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		v, err := Timeout(t.Context(), time.Second, func(ctx context.Context) (int, error) {
			time.Sleep(2 * time.Second)
			return 7, nil
		})
		if v != 7 || err != nil {
			t.Errorf("Timeout() = %v, %v, want 7, nil", v, err)
		}
	})
}

func TestTimeoutParentCancelWins(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(time.Second, func() { cancel(errStop) })
		start := time.Now()
		_, err := Timeout(ctx, 2*time.Second, func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, ctx.Err()
		})
		if !errors.Is(err, errStop) || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Timeout() = %v, want it to match %v and not %v", err, errStop, context.DeadlineExceeded)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Timeout took %v, want %v", got, time.Second)
		}
	})
}

func TestTimeoutNotCalled(t *testing.T) {
	done, cancel := context.WithCancelCause(t.Context())
	cancel(errStop)
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"d=0", t.Context(), 0, context.DeadlineExceeded},
		{"d<0", t.Context(), -time.Second, context.DeadlineExceeded},
		{"done ctx", done, time.Second, errStop},
	}
	for _, tt := range tests {
		called := false
		_, err := Timeout(tt.ctx, tt.d, func(ctx context.Context) (int, error) {
			called = true
			return 0, nil
		})
		if err != tt.want || called {
			t.Errorf("%s: Timeout() = %v, called = %v; want %v, false", tt.name, err, called, tt.want)
		}
	}
}

// f runs on the caller's goroutine: its panic goes up unchanged.
func TestTimeoutPanic(t *testing.T) {
	v := conctest.Panics(t, "boom", func() {
		Timeout(t.Context(), time.Second, func(ctx context.Context) (int, error) { panic("boom") })
	})
	if v != "boom" {
		t.Errorf("panic value = %#v, want %q", v, "boom")
	}
}
