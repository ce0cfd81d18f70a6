package redislimit

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
)

// resetAfter peeks at key's bucket.
func resetAfter(t *testing.T, l *Limiter, key string) time.Duration {
	t.Helper()
	return take(t, l, key, 0).ResetAfter
}

// startWait runs l.Wait(ctx, key) in a goroutine until the server's bucket
// shows its reservation (want ResetAfter), and returns its result channel.
func startWait(t *testing.T, ctx context.Context, l *Limiter, key string, want time.Duration) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, key) }()
	for resetAfter(t, l, key) != want {
		time.Sleep(time.Millisecond)
	}
	return done
}

// TestGiveBack: a cancelled Wait gives back the tokens that no later Wait
// counts on. The server's clock stands still, so the arithmetic is exact.
func TestGiveBack(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 1, 1)
	take(t, l, "k", 1) // empty: full in 1s
	ctx1, cancel1 := context.WithCancel(context.Background())
	w1 := startWait(t, ctx1, l, "k", 2*time.Second)
	ctx2, cancel2 := context.WithCancel(context.Background())
	w2 := startWait(t, ctx2, l, "k", 3*time.Second)

	cancel1()
	if err := <-w1; !errors.Is(err, context.Canceled) {
		t.Errorf("first Wait = %v, want Canceled", err)
	}
	if got := resetAfter(t, l, "k"); got != 3*time.Second {
		t.Errorf("after cancelling the first Wait: ResetAfter = %v, want 3s: the second counts on its token", got)
	}
	cancel2()
	if err := <-w2; !errors.Is(err, context.Canceled) {
		t.Errorf("second Wait = %v, want Canceled", err)
	}
	if got := resetAfter(t, l, "k"); got != 2*time.Second {
		t.Errorf("after cancelling the newest Wait: ResetAfter = %v, want 2s: its token back", got)
	}
}

// TestGiveBackAfterReset: a Wait cancelled after its key was reset gives
// nothing to the new bucket.
func TestGiveBackAfterReset(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 1, 1)
	take(t, l, "k", 1)
	ctx, cancel := context.WithCancel(context.Background())
	w := startWait(t, ctx, l, "k", 2*time.Second)
	if err := l.Reset(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
	take(t, l, "k", 1)
	cancel()
	<-w
	if got := resetAfter(t, l, "k"); got != time.Second {
		t.Errorf("ResetAfter = %v, want 1s: the new bucket untouched", got)
	}
}

func TestWaitDeadline(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 10, 1)
	take(t, l, "k", 1) // the next token in 100ms
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx, "k"); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("Wait with 50ms left = %v (ctx %v), want DeadlineExceeded at once", err, ctx.Err())
	}
	if got := resetAfter(t, l, "k"); got != 100*time.Millisecond {
		t.Errorf("ResetAfter = %v, want 100ms: nothing taken", got)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := l.Wait(ctx, "k"); err != nil {
		t.Errorf("Wait with 10s left = %v, want nil", err)
	}
	if got := time.Since(start); got < 100*time.Millisecond {
		t.Errorf("Wait returned after %v, want 100ms", got)
	}
	if err := l.Wait(ctx, "fresh"); err != nil {
		t.Errorf("Wait on a full bucket = %v, want nil", err)
	}
}

func TestWaitNeverAllowed(t *testing.T) {
	f := &fakeScripter{}
	l := New(f, 10, 3)
	if err := l.WaitN(context.Background(), "k", 4); !errors.Is(err, ratelimit.ErrNeverAllowed) {
		t.Errorf("WaitN(4 > burst) = %v, want ErrNeverAllowed", err)
	}
	if err := l.WaitN(context.Background(), "k", 0); err != nil {
		t.Errorf("WaitN(0) = %v, want nil", err)
	}
	if calls, _ := f.counts(); calls != 0 {
		t.Errorf("%d calls reached the server, want 0", calls)
	}
}

// TestGiveBackError: a give-back that Redis does not take reaches the error
// handler, and the cancelled Wait still returns its context's cause.
func TestGiveBackError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeScripter{answer: func(bool) (any, error) {
			return []any{int64(1), int64(0), int64(1000000), int64(2000000), "1700000002000000 0"}, nil
		}}
		l := New(f, 1, 1)
		var heard []error
		l.SetErrorHandler(func(err error) { heard = append(heard, err) })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- l.Wait(ctx, "k") }()
		synctest.Wait() // reserved, asleep
		f.setAnswer(down)
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Wait = %v, want Canceled", err)
		}
		if len(heard) != 1 || !errors.Is(heard[0], ErrUnavailable) {
			t.Errorf("the handler heard %v, want one error wrapping ErrUnavailable", heard)
		}
		if calls, _ := f.counts(); calls != 2 {
			t.Errorf("%d calls reached the server, want 2: the reservation and the give-back", calls)
		}
	})
}
