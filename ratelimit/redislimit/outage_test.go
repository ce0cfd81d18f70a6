package redislimit

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// fastClient returns a client whose calls to a dead server fail in
// milliseconds: one dial attempt with a short timeout, no retries.
func fastClient(t *testing.T, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{
		Addr:          addr,
		DialTimeout:   100 * time.Millisecond,
		DialerRetries: 1,
		MaxRetries:    -1,
		ReadTimeout:   200 * time.Millisecond,
		WriteTimeout:  200 * time.Millisecond,
		PoolTimeout:   200 * time.Millisecond,
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// TestServerRestart kills the server under a Limiter and starts it again:
// each policy decides while it is down, calls fail fast after the first,
// and the Limiter uses the server again within a second of its return.
func TestServerRestart(t *testing.T) {
	s := startServer(t)
	c := fastClient(t, s.addr)
	l := New(c, 10, 4)
	var heard atomic.Int64
	l.SetErrorHandler(func(err error) {
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("handler heard %v, want ErrUnavailable", err)
		}
		heard.Add(1)
	})
	ctx := context.Background()
	take(t, l, "k", 1)
	s.kill()

	if _, err := l.Take(ctx, "k", 1); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Take on a dead server = %v, want ErrUnavailable", err)
	}
	start := time.Now()
	for range 1000 {
		if _, err := l.Take(ctx, "k", 1); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Take on a dead server = %v, want ErrUnavailable", err)
		}
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("1000 Takes in the cooldown took %v, want them to fail fast", d)
	}
	l.SetFailurePolicy(FailOpen)
	if d, err := l.Take(ctx, "k", 1); !d.Allowed || err != nil {
		t.Errorf("FailOpen: Take = %+v, %v; want allowed, nil", d, err)
	}
	l.SetFailurePolicy(FailClosed)
	if d, err := l.Take(ctx, "k", 1); d.Allowed || d.RetryAfter <= 0 || err != nil {
		t.Errorf("FailClosed: Take = %+v, %v; want refused with a RetryAfter, nil", d, err)
	}
	l.SetFailurePolicy(FailLocal(0.5))
	for i, want := range []bool{true, true, false} {
		if d, err := l.Take(ctx, "k", 1); d.Allowed != want || err != nil {
			t.Errorf("FailLocal: Take %d = %+v, %v; want Allowed %v, nil", i, d, err, want)
		}
	}
	if heard.Load() != 5 {
		t.Errorf("handler heard %d failures, want 5", heard.Load())
	}

	l.SetFailurePolicy(FailError)
	s.start() // a new server: no data, no scripts
	back := time.Now()
	for {
		d, err := l.Take(ctx, "k", 1)
		if err == nil {
			if d.Remaining != 3 {
				t.Errorf("first Take after the restart = %+v, want a new bucket", d)
			}
			break
		}
		if time.Since(back) > time.Second {
			t.Fatalf("Take a second after the server came back = %v, want nil", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("the Limiter used the server again %v after it answered PING", time.Since(back))
}

// TestServerDenyCache floods one key over its limit: with the deny cache,
// only a few percent of the requests reach the server.
func TestServerDenyCache(t *testing.T) {
	s := startServer(t)
	c := redis.NewClient(&redis.Options{Addr: s.addr})
	defer c.Close()
	l := New(c, 20, exactBurst)
	l.SetDenyCache(1000)
	var requests atomic.Int64
	before := scriptCalls(t, c)
	allowed, left, most := flood(t, l, c, "flood", time.Second, func(int) bool {
		requests.Add(1)
		ok, err := l.Allow(context.Background(), "flood")
		if err != nil {
			t.Errorf("Allow = %v", err)
		}
		return ok
	})
	calls := scriptCalls(t, c) - before
	if got := float64(allowed + left); got > most+1 || got < most-1 {
		t.Errorf("allowed %d + %d left, want %.1f ± 1", allowed, left, most)
	}
	if share := float64(calls) / float64(requests.Load()); share > 0.03 {
		t.Errorf("%d of %d requests reached the server (%.1f%%), want at most 3%%", calls, requests.Load(), 100*share)
	}
	t.Logf("%d requests, %d allowed, %d reached the server", requests.Load(), allowed, calls)
}
