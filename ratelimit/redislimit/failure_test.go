package redislimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// down answers every call as a dead server does.
func down(bool) (any, error) { return nil, refused }

func TestFailError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeScripter{answer: down}
		l := New(f, 10, 4)
		heard := 0
		l.SetErrorHandler(func(error) { heard++ })
		d, err := l.Take(context.Background(), "k", 1)
		if d != (ratelimit.Decision{}) || !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Take = %+v, %v; want no decision and ErrUnavailable", d, err)
		}
		var oe *net.OpError
		if !strings.HasPrefix(err.Error(), "redislimit: ") || !errors.As(err, &oe) {
			t.Errorf("Take error = %q, want it to say redislimit: and wrap the network error", err)
		}
		if ok, err := l.Allow(context.Background(), "k"); ok || !errors.Is(err, ErrUnavailable) {
			t.Errorf("Allow = %v, %v; want false, ErrUnavailable", ok, err)
		}
		if err := l.Wait(context.Background(), "k"); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Wait = %v, want ErrUnavailable", err)
		}
		if err := l.Reset(context.Background(), "k"); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Reset = %v, want ErrUnavailable", err)
		}
		if heard != 0 {
			t.Errorf("handler heard %d errors under FailError, want 0: they are returned", heard)
		}
	})
}

func TestFailOpen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := New(&fakeScripter{answer: down}, 10, 4)
		l.SetFailurePolicy(FailOpen)
		var heard []error
		l.SetErrorHandler(func(err error) { heard = append(heard, err) })
		d, err := l.Take(context.Background(), "k", 3)
		want := ratelimit.Decision{Allowed: true, Limit: 10, Burst: 4, Remaining: 4}
		if d != want || err != nil {
			t.Errorf("Take = %+v, %v; want %+v, nil", d, err, want)
		}
		if err := l.WaitN(context.Background(), "k", 4); err != nil {
			t.Errorf("WaitN = %v, want nil", err)
		}
		if len(heard) != 2 || !errors.Is(heard[0], ErrUnavailable) || !errors.Is(heard[1], ErrUnavailable) {
			t.Errorf("handler heard %v, want two errors wrapping ErrUnavailable", heard)
		}
	})
}

func TestFailClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := New(&fakeScripter{answer: down}, 10, 4)
		l.SetFailurePolicy(FailClosed)
		heard := 0
		l.SetErrorHandler(func(error) { heard++ })
		d, err := l.Take(context.Background(), "k", 1)
		want := ratelimit.Decision{Limit: 10, Burst: 4, RetryAfter: DefaultCooldown, ResetAfter: DefaultCooldown}
		if d != want || err != nil {
			t.Errorf("Take = %+v, %v; want %+v, nil", d, err, want)
		}
		time.Sleep(200 * time.Millisecond)
		if d, _ := l.Take(context.Background(), "k", 1); d.RetryAfter != 300*time.Millisecond {
			t.Errorf("Take 200ms later: RetryAfter = %v, want 300ms (until the probe)", d.RetryAfter)
		}
		if d, _ := l.Take(context.Background(), "k", 5); d.RetryAfter >= 0 {
			t.Errorf("Take(5 > burst): RetryAfter = %v, want negative", d.RetryAfter)
		}
		if err := l.Wait(context.Background(), "k"); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Wait = %v, want ErrUnavailable", err)
		}
		if heard != 4 {
			t.Errorf("handler heard %d errors, want 4", heard)
		}
	})
}

func TestFailLocal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := New(&fakeScripter{answer: down}, 10, 4)
		l.SetFailurePolicy(FailLocal(0.5)) // 5/s, burst 2
		for i, want := range []bool{true, true, false} {
			if d, err := l.Take(context.Background(), "k", 1); d.Allowed != want || err != nil {
				t.Errorf("Take %d = %+v, %v; want Allowed %v, nil", i, d, err, want)
			}
		}
		if ok, _ := l.Allow(context.Background(), "other"); !ok {
			t.Errorf("Allow(other) = false, want true: one local bucket per key")
		}
		start := time.Now()
		if err := l.Wait(context.Background(), "k"); err != nil {
			t.Errorf("Wait = %v, want nil", err)
		}
		if got := time.Since(start); got != 200*time.Millisecond {
			t.Errorf("Wait took %v, want 200ms: a token at 5/s", got)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if err := l.Wait(ctx, "k"); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			t.Errorf("Wait with 100ms left = %v (ctx %v), want DeadlineExceeded at once", err, ctx.Err())
		}
		if err := l.WaitN(context.Background(), "k", 3); !errors.Is(err, ratelimit.ErrNeverAllowed) {
			t.Errorf("WaitN(3 > local burst 2) = %v, want ErrNeverAllowed", err)
		}
	})
}

// TestCooldown: after a network error the Limiter leaves Redis alone for
// the cooldown, then lets one call probe it while the others fail fast.
func TestCooldown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeScripter{answer: down}
		l := New(f, 10, 4)
		l.SetCooldown(time.Second)
		l.Take(context.Background(), "k", 1)
		for range 100 {
			_, err := l.Take(context.Background(), "k", 1)
			if !errors.Is(err, ErrUnavailable) || !errors.Is(err, errCooldown) {
				t.Fatalf("Take in the cooldown = %v, want ErrUnavailable from the cooldown", err)
			}
		}
		if calls, _ := f.counts(); calls != 1 {
			t.Fatalf("%d calls reached the server, want 1", calls)
		}
		time.Sleep(time.Second)
		release := make(chan struct{})
		f.setAnswer(func(bool) (any, error) {
			<-release
			return []any{int64(1), int64(3), int64(0), int64(100000)}, nil
		})
		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := l.Take(context.Background(), "k", 1); err != nil {
				t.Errorf("probe: Take = %v, want nil", err)
			}
		})
		synctest.Wait() // the probe is on its way
		if _, err := l.Take(context.Background(), "k", 1); !errors.Is(err, errCooldown) {
			t.Errorf("Take during the probe = %v, want a fast failure", err)
		}
		close(release)
		wg.Wait()
		if _, err := l.Take(context.Background(), "k", 1); err != nil {
			t.Errorf("Take after the probe answered = %v, want nil", err)
		}
		if calls, _ := f.counts(); calls != 3 {
			t.Errorf("%d calls reached the server, want 3", calls)
		}
	})
}

// TestFailedProbe: a probe that fails starts another cooldown.
func TestFailedProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeScripter{answer: down}
		l := New(f, 10, 4)
		l.Take(context.Background(), "k", 1)
		time.Sleep(DefaultCooldown)
		l.Take(context.Background(), "k", 1) // the probe
		time.Sleep(DefaultCooldown - time.Nanosecond)
		l.Take(context.Background(), "k", 1)
		if calls, _ := f.counts(); calls != 2 {
			t.Errorf("%d calls reached the server, want 2", calls)
		}
	})
}

// TestNotOutages: errors that Redis answered, and the caller's context
// ending, neither start a cooldown nor go to the failure policy.
func TestNotOutages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeScripter{answer: func(bool) (any, error) {
			return nil, serverError("WRONGTYPE Operation against a key holding the wrong kind of value")
		}}
		l := New(f, 10, 4)
		l.SetFailurePolicy(FailOpen)
		for range 2 {
			_, err := l.Take(context.Background(), "k", 1)
			if err == nil || errors.Is(err, ErrUnavailable) || !strings.HasPrefix(err.Error(), "redislimit: WRONGTYPE") {
				t.Errorf("Take = %v, want the WRONGTYPE error, not ErrUnavailable", err)
			}
		}
		cause := errors.New("caller gave up")
		ctx, cancel := context.WithCancelCause(context.Background())
		f.setAnswer(func(bool) (any, error) {
			cancel(cause)
			return nil, context.Canceled
		})
		if _, err := l.Take(ctx, "k", 1); err != cause {
			t.Errorf("Take = %v, want the context's cause", err)
		}
		if err := l.Wait(ctx, "k"); err != cause {
			t.Errorf("Wait on a done context = %v, want the context's cause", err)
		}
		f.setAnswer(nil)
		if _, err := l.Take(context.Background(), "k", 1); err != nil {
			t.Errorf("Take = %v, want nil: no cooldown", err)
		}
		if calls, _ := f.counts(); calls != 4 {
			t.Errorf("%d calls reached the server, want 4", calls)
		}
	})
}

// TestNoscript: the script is sent with EVAL when the server lacks it,
// however the NOSCRIPT error is worded around.
func TestNoscript(t *testing.T) {
	f := &fakeScripter{answer: func(eval bool) (any, error) {
		if !eval {
			return nil, errors.New("proxy: upstream said NOSCRIPT No matching script")
		}
		return []any{int64(1), int64(3), int64(0), int64(100000)}, nil
	}}
	l := New(f, 10, 4)
	d, err := l.Take(context.Background(), "k", 1)
	if err != nil || !d.Allowed || d.Remaining != 3 || d.ResetAfter != 100*time.Millisecond {
		t.Errorf("Take = %+v, %v; want allowed, 3 left, full in 100ms", d, err)
	}
	if calls, evals := f.counts(); calls != 2 || evals != 1 {
		t.Errorf("calls = %d, EVALs = %d; want 2 and 1", calls, evals)
	}
}

func TestBadReply(t *testing.T) {
	f := &fakeScripter{answer: func(bool) (any, error) { return []any{"x"}, nil }}
	if _, err := New(f, 10, 4).Take(context.Background(), "k", 1); !errors.Is(err, errReply) {
		t.Errorf("Take = %v, want errReply", err)
	}
}

func TestPanics(t *testing.T) {
	f := &fakeScripter{}
	l := New(f, 10, 4)
	var nilCtx context.Context
	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"New(nil)", "redislimit: nil client", func() { New(nil, 1, 1) }},
		{"New(rate 0)", "redislimit: rate <= 0", func() { New(f, 0, 1) }},
		{"New(rate < 0)", "redislimit: rate <= 0", func() { New(f, -1, 1) }},
		{"New(burst 0)", "redislimit: burst < 1", func() { New(f, 1, 0) }},
		{"Take(nil ctx)", "redislimit: nil context", func() { l.Take(nilCtx, "k", 1) }},
		{"Take(n < 0)", "redislimit: n < 0", func() { l.Take(context.Background(), "k", -1) }},
		{"Allow(nil ctx)", "redislimit: nil context", func() { l.Allow(nilCtx, "k") }},
		{"Wait(nil ctx)", "redislimit: nil context", func() { l.Wait(nilCtx, "k") }},
		{"WaitN(n < 0)", "redislimit: n < 0", func() { l.WaitN(context.Background(), "k", -1) }},
		{"Reset(nil ctx)", "redislimit: nil context", func() { l.Reset(nilCtx, "k") }},
		{"FailLocal(0)", "redislimit: FailLocal fraction not in (0, 1]", func() { FailLocal(0) }},
		{"FailLocal(1.5)", "redislimit: FailLocal fraction not in (0, 1]", func() { FailLocal(1.5) }},
		{"SetCooldown(-1)", "redislimit: cooldown < 0", func() { l.SetCooldown(-1) }},
	} {
		func() {
			defer func() {
				if r := recover(); r != tc.want {
					t.Errorf("%s panicked with %v, want %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
	if calls, _ := f.counts(); calls != 0 {
		t.Errorf("%d calls reached the server, want 0", calls)
	}
	_ = rate.Inf
}

func TestIsOutage(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: deadAddr(t), MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	dial := c.Ping(context.Background()).Err()
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{dial, true},
		{refused, true},
		{io.EOF, true},
		{io.ErrUnexpectedEOF, true},
		{os.ErrDeadlineExceeded, true},
		{fmt.Errorf("dial: %w", context.DeadlineExceeded), true},
		{redis.ErrPoolTimeout, true},
		{syscall.ECONNRESET, true},
		{serverError("WRONGTYPE Operation against a key holding the wrong kind of value"), false},
		{serverError("NOSCRIPT No matching script"), false},
		{redis.ErrClosed, false},
		{errReply, false},
	} {
		if got := isOutage(tc.err); got != tc.want {
			t.Errorf("isOutage(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
