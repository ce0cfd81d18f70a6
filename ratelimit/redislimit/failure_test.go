package redislimit

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
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
		want := ratelimit.Decision{Allowed: true, Limit: 10, Burst: 4, Remaining: 4, Fallback: true}
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
		want := ratelimit.Decision{Limit: 10, Burst: 4, RetryAfter: DefaultCooldown, ResetAfter: DefaultCooldown, Fallback: true}
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
			if d, err := l.Take(context.Background(), "k", 1); d.Allowed != want || !d.Fallback || err != nil {
				t.Errorf("Take %d = %+v, %v; want Allowed %v, Fallback, nil", i, d, err, want)
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

// TestStuckProbe: a probe that never comes back keeps the others from
// Redis for one cooldown only; then the next call probes, and its answer
// ends the outage.
func TestStuckProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeScripter{answer: down}
		l := New(f, 10, 4)
		l.Take(context.Background(), "k", 1)
		time.Sleep(DefaultCooldown)
		release := make(chan struct{})
		f.setAnswer(func(bool) (any, error) {
			<-release
			return nil, refused
		})
		var wg sync.WaitGroup
		wg.Go(func() { l.Take(context.Background(), "k", 1) })
		synctest.Wait() // the probe hangs
		if _, err := l.Take(context.Background(), "k", 1); !errors.Is(err, errCooldown) {
			t.Errorf("Take beside the stuck probe = %v, want a fast failure", err)
		}
		f.setAnswer(nil) // the server is back
		time.Sleep(DefaultCooldown)
		if _, err := l.Take(context.Background(), "k", 1); err != nil {
			t.Errorf("Take a cooldown after the stuck probe = %v, want an answer", err)
		}
		if _, err := l.Take(context.Background(), "k", 1); err != nil {
			t.Errorf("Take after the second probe answered = %v, want nil", err)
		}
		close(release)
		wg.Wait()
	})
}

// TestNoCooldown: with SetCooldown(0) every call tries Redis.
func TestNoCooldown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeScripter{answer: down}
		l := New(f, 10, 4)
		l.SetCooldown(0)
		for range 3 {
			if _, err := l.Take(context.Background(), "k", 1); !errors.Is(err, ErrUnavailable) || errors.Is(err, errCooldown) {
				t.Errorf("Take = %v, want the network error", err)
			}
		}
		if calls, _ := f.counts(); calls != 3 {
			t.Errorf("%d calls reached the server, want 3", calls)
		}
	})
}

// TestUnavailableReplies: the answers with which a server says it cannot
// decide now go through the failure policy and start a cooldown, as a
// network error does.
func TestUnavailableReplies(t *testing.T) {
	for _, msg := range []string{
		"LOADING Redis is loading the dataset in memory",
		"READONLY You can't write against a read only replica. script: 1234, on @user_script:1.",
		"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
		"BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.",
		"CLUSTERDOWN The cluster is down",
		"TRYAGAIN Multiple keys request during rehashing of slot",
		"NOREPLICAS Not enough good replicas to write.",
		// Redis before 7 wraps the error that a command inside a script
		// met: a replica refuses the script's SET this way.
		"ERR Error running script (call to f_8f4f3cdd2e1b5d4c0c5e9b0e6e1e0a3d6c4b2a19): @user_script:17: " +
			"@user_script: 17: -READONLY You can't write against a read only slave.",
		"ERR Error running script (call to f_8f4f3cdd2e1b5d4c0c5e9b0e6e1e0a3d6c4b2a19): @user_script:17: " +
			"@user_script: 17: -NOREPLICAS Not enough good replicas to write.",
	} {
		t.Run(strings.Fields(msg)[0], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeScripter{answer: func(bool) (any, error) { return nil, serverError(msg) }}
				l := New(f, 10, 4)
				_, err := l.Take(context.Background(), "k", 1)
				if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), msg) {
					t.Errorf("FailError: Take = %v, want ErrUnavailable with the answer", err)
				}
				l.SetFailurePolicy(FailClosed)
				heard := 0
				l.SetErrorHandler(func(error) { heard++ })
				if d, err := l.Take(context.Background(), "k", 1); d.Allowed || !d.Fallback || err != nil {
					t.Errorf("FailClosed: Take = %+v, %v; want a Fallback refusal, nil", d, err)
				}
				if calls, _ := f.counts(); calls != 1 || heard != 1 {
					t.Errorf("%d calls reached the server, handler heard %d; want 1 and 1: a cooldown", calls, heard)
				}
			})
		})
	}
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
		f.setAnswer(func(bool) (any, error) {
			return nil, serverError("ERR Error running script (call to f_8f4f3cdd2e1b5d4c0c5e9b0e6e1e0a3d6c4b2a19): " +
				"@user_script:17: @user_script: 17: -WRONGTYPE Operation against a key holding the wrong kind of value")
		})
		if _, err := l.Take(context.Background(), "k", 1); err == nil || errors.Is(err, ErrUnavailable) {
			t.Errorf("Take = %v, want the script's WRONGTYPE error, not ErrUnavailable", err)
		}
		f.setAnswer(func(bool) (any, error) { return nil, serverError("BUSYKEY Target key name already exists.") })
		if _, err := l.Take(context.Background(), "k", 1); err == nil || errors.Is(err, ErrUnavailable) {
			t.Errorf("Take = %v, want the BUSYKEY error, not ErrUnavailable: only BUSY itself is one", err)
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
		if calls, _ := f.counts(); calls != 6 {
			t.Errorf("%d calls reached the server, want 6", calls)
		}
	})
}
