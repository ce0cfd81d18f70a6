package redislimit

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Tests against the real server at REDIS_ADDR. Time here is real: bounds
// are wide, and the arithmetic itself is tested exactly against miniredis.

func TestServerDecisions(t *testing.T) {
	c := newClient(t)
	l := New(c, 10, 5)
	key := testKey(t)
	d := take(t, l, key, 1)
	if !d.Allowed || d.Remaining != 4 || d.RetryAfter != 0 || d.ResetAfter != 100*time.Millisecond {
		t.Errorf("first Take(1) = %+v, want allowed, 4 left, full in 100ms", d)
	}
	d = take(t, l, key, 4)
	// Up to 100ms between the two calls, as a loaded machine may take.
	if !d.Allowed || d.Remaining > 1 || d.ResetAfter <= 300*time.Millisecond || d.ResetAfter > 500*time.Millisecond {
		t.Errorf("Take(4) = %+v, want allowed, at most 1 left, full in (300ms, 500ms]", d)
	}
	d = take(t, l, key, 5)
	if d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > 500*time.Millisecond || d.RetryAfter%time.Microsecond != 0 {
		t.Errorf("Take(5) = %+v, want refused, RetryAfter in (0, 500ms] in whole µs", d)
	}
	if d := take(t, l, key, 6); d.Allowed || d.RetryAfter >= 0 {
		t.Errorf("Take(6 > burst) = %+v, want refused for ever", d)
	}
	if d.Limit != 10 || d.Burst != 5 {
		t.Errorf("Limit, Burst = %v, %d; want 10, 5", d.Limit, d.Burst)
	}
	time.Sleep(d.RetryAfter)
	if d := take(t, l, key, 5); !d.Allowed {
		t.Errorf("Take(5) after RetryAfter = %+v, want allowed", d)
	}
}

// TestServerKey: the key is the prefix and the key, holds one string, and
// is gone once the bucket is full again.
func TestServerKey(t *testing.T) {
	c := newClient(t)
	l := New(c, 10, 2)
	prefix := testKey(t) + ":"
	l.SetPrefix(prefix)
	take(t, l, "k", 2)
	keys, err := c.Keys(context.Background(), prefix+"*").Result()
	if err != nil || len(keys) != 1 || keys[0] != prefix+"k" {
		t.Fatalf("keys = %q, %v; want [%s]", keys, err, prefix+"k")
	}
	if v := c.Get(context.Background(), prefix+"k").Val(); !regexp.MustCompile(`^\d{16}( [0-9.e-]+)?$`).MatchString(v) {
		t.Errorf("value = %q, want a time in whole µs, and its fraction if any", v)
	}
	pttl := c.PTTL(context.Background(), prefix+"k").Val()
	if pttl <= 100*time.Millisecond || pttl > 200*time.Millisecond {
		t.Errorf("PTTL = %v, want (100ms, 200ms]", pttl)
	}
	time.Sleep(250 * time.Millisecond)
	if n := c.Exists(context.Background(), prefix+"k").Val(); n != 0 {
		t.Errorf("key still there once the bucket is full")
	}
}

func TestServerScriptFlush(t *testing.T) {
	c := newClient(t)
	l := New(c, 1, 3)
	key := testKey(t)
	for want := 2; want >= 0; want-- {
		if err := c.ScriptFlush(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		if d := take(t, l, key, 1); !d.Allowed || d.Remaining != want {
			t.Errorf("Take after SCRIPT FLUSH = %+v, want allowed with %d left", d, want)
		}
		if err := c.ScriptFlush(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		if err := l.Reset(context.Background(), key+"-other"); err != nil {
			t.Errorf("Reset after SCRIPT FLUSH = %v", err)
		}
	}
}

func TestServerWrongType(t *testing.T) {
	c := newClient(t)
	l := New(c, 1, 3)
	l.SetFailurePolicy(FailOpen)
	key := testKey(t)
	c.LPush(context.Background(), "redislimit:"+key, "x")
	defer c.Del(context.Background(), "redislimit:"+key)
	_, err := l.Take(context.Background(), key, 1)
	if err == nil || errors.Is(err, ErrUnavailable) {
		t.Errorf("Take on a list = %v, want a WRONGTYPE error", err)
	}
}

// TestServerExact: two clients and many goroutines share one bucket;
// everything allowed is burst + rate × time, ±1, with and without the deny
// cache.
func TestServerExact(t *testing.T) {
	for _, cache := range []int{0, 100} {
		c1, c2 := newClient(t), newClient(t)
		key := testKey(t)
		l1, l2 := New(c1, exactRate, exactBurst), New(c2, exactRate, exactBurst)
		l1.SetDenyCache(cache)
		l2.SetDenyCache(cache)
		var calls atomic.Int64
		allowed, left, most := flood(t, l1, c1, key, 1500*time.Millisecond, func(i int) bool {
			calls.Add(1)
			ok, err := []*Limiter{l1, l2}[i%2].Allow(context.Background(), key)
			if err != nil {
				t.Errorf("Allow = %v", err)
			}
			return ok
		})
		if got := float64(allowed + left); got > most+1 || got < most-1 {
			t.Errorf("cache %d: allowed %d + %d left, want %.1f ± 1", cache, allowed, left, most)
		}
		t.Logf("cache %d: %d calls, %d allowed, %d left (%.1f)", cache, calls.Load(), allowed, left, most)
	}
}

// The flood's bucket: its burst is large, so that the bucket never fills
// up while the goroutines that empty it stall on a loaded machine.
const exactRate, exactBurst = 100, 1000

// flood empties key's bucket, which is new, with one call, then calls allow
// from 16 goroutines for d. It returns the events allowed (the burst
// included), the whole tokens left, and what the rate allows: the burst and
// the tokens added between the first call and the last peek, taking the
// server's clock read around each as the times of both. The bounds apart
// are a microsecond or so; the result is the midpoint.
func flood(t *testing.T, l *Limiter, c *redis.Client, key string, d time.Duration, allow func(i int) bool) (allowed, left int64, most float64) {
	t.Helper()
	s0 := serverTime(t, c)
	if d := take(t, l, key, l.Burst()); !d.Allowed {
		t.Fatalf("Take(burst) on a new key = %+v", d)
	}
	s1 := serverTime(t, c)
	var n atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for i := range 16 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				if allow(i) {
					n.Add(1)
				}
			}
		})
	}
	wg.Wait()
	e0 := serverTime(t, c)
	left = int64(take(t, l, key, 0).Remaining)
	e1 := serverTime(t, c)
	span := (e0.Sub(s1) + e1.Sub(s0)) / 2
	if spread := e1.Sub(s0) - e0.Sub(s1); spread > 20*time.Millisecond {
		t.Logf("the clock reads were %v apart", spread)
	}
	return n.Load() + int64(l.Burst()), left, float64(l.Burst()) + float64(l.Limit())*span.Seconds()
}

// TestServerWaitSpacing: Waits from two clients take their turns at the
// rate.
func TestServerWaitSpacing(t *testing.T) {
	c1, c2 := newClient(t), newClient(t)
	key := testKey(t)
	const r, waits = 20, 12
	ls := []*Limiter{New(c1, r, 1), New(c2, r, 1)}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range waits / 4 {
				if err := ls[i%2].Wait(context.Background(), key); err != nil {
					t.Errorf("Wait = %v", err)
				}
			}
		})
	}
	wg.Wait()
	want := (waits - 1) * time.Second / r
	if got := time.Since(start); got < want-5*time.Millisecond || got > want+time.Second {
		t.Errorf("%d Waits at %d/s took %v, want about %v", waits, r, got, want)
	}
}

// TestServerWaitDeadline: a wait that would pass the deadline returns at
// once, takes nothing; a cancelled one gives its token back.
func TestServerWaitDeadline(t *testing.T) {
	c := newClient(t)
	key := testKey(t)
	l := New(c, 2, 1) // a token every 500ms
	take(t, l, key, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := l.Wait(ctx, key); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want DeadlineExceeded", err)
	}
	if ctx.Err() != nil {
		t.Errorf("Wait returned after %v, want at once, before the deadline", time.Since(start))
	}
	if d := take(t, l, key, 0); d.ResetAfter > 500*time.Millisecond {
		t.Errorf("after the refused Wait: ResetAfter = %v, want <= 500ms: nothing taken", d.ResetAfter)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := l.Wait(ctx, key); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Wait = %v, want Canceled", err)
	}
	if d := take(t, l, key, 0); d.ResetAfter > 500*time.Millisecond {
		t.Errorf("after the cancelled Wait: ResetAfter = %v, want <= 500ms: its token back", d.ResetAfter)
	}
	if err := l.WaitN(context.Background(), key, 2); err == nil {
		t.Errorf("WaitN(2 > burst) = nil, want ErrNeverAllowed")
	}
}

// TestServerExtremes: a rate so low, or a burst so large, that the bucket
// takes centuries to fill still limits, with durations capped at 2^53 µs
// rather than overflowing into negative or "never" values.
func TestServerExtremes(t *testing.T) {
	c := newClient(t)
	const most = (1 << 53) * time.Microsecond
	for _, tc := range []struct {
		r     rate.Limit
		burst int
	}{{1e-9, 10}, {1e-13, 1}, {1e-20, 2}, {1, 1 << 40}} {
		l := New(c, tc.r, tc.burst)
		key := testKey(t)
		if d := take(t, l, key, tc.burst); !d.Allowed || d.ResetAfter <= 0 || d.ResetAfter > most {
			t.Errorf("rate %g, burst %d: first Take = %+v, want allowed, ResetAfter in (0, 2^53µs]", float64(tc.r), tc.burst, d)
		}
		for range 2 {
			d := take(t, l, key, 1)
			if d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > most || d.ResetAfter <= 0 {
				t.Errorf("rate %g, burst %d: next Take = %+v, want refused, RetryAfter in (0, 2^53µs]", float64(tc.r), tc.burst, d)
			}
		}
		// PTTL read raw: go-redis's Duration overflows past 292 years.
		if ms, err := c.Do(context.Background(), "PTTL", DefaultPrefix+key).Int64(); err != nil || ms <= 0 {
			t.Errorf("rate %g, burst %d: key's PTTL %d ms, %v; want positive", float64(tc.r), tc.burst, ms, err)
		}
	}
}
