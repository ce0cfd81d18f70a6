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
	if !d.Allowed || d.Remaining > 1 || d.ResetAfter <= 400*time.Millisecond || d.ResetAfter > 500*time.Millisecond {
		t.Errorf("Take(4) = %+v, want allowed, at most 1 left, full in (400ms, 500ms]", d)
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
	if v := c.Get(context.Background(), prefix+"k").Val(); !regexp.MustCompile(`^\d{16} [0-9.e-]+$`).MatchString(v) {
		t.Errorf("value = %q, want a time in µs and a fraction", v)
	}
	pttl := c.PTTL(context.Background(), prefix+"k").Val()
	if pttl <= 150*time.Millisecond || pttl > 200*time.Millisecond {
		t.Errorf("PTTL = %v, want (150ms, 200ms]", pttl)
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
		const r, burst = 100, 10
		key := testKey(t)
		l1, l2 := New(c1, r, burst), New(c2, r, burst)
		l1.SetDenyCache(cache)
		l2.SetDenyCache(cache)
		var allowed, calls atomic.Int64
		var wg sync.WaitGroup
		start := serverTime(t, c1)
		stop := time.Now().Add(1500 * time.Millisecond)
		for i := range 16 {
			l := []*Limiter{l1, l2}[i%2]
			wg.Go(func() {
				for time.Now().Before(stop) {
					calls.Add(1)
					if ok, err := l.Allow(context.Background(), key); err != nil {
						t.Errorf("Allow = %v", err)
						return
					} else if ok {
						allowed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		left := take(t, l1, key, 0).Remaining
		end := serverTime(t, c1)
		most := burst + r*end.Sub(start).Seconds()
		got := float64(allowed.Load() + int64(left))
		// The rate adds 0.5 tokens over the 5ms the clocks are read apart.
		if got > most+1 || got < most-1.5 {
			t.Errorf("cache %d: allowed %d + %d left in %v, want %.1f ± 1", cache, allowed.Load(), left, end.Sub(start), most)
		}
		t.Logf("cache %d: %d calls, %d allowed, %d left in %v (%.1f)", cache, calls.Load(), allowed.Load(), left, end.Sub(start), most)
	}
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
	_ = rate.Inf
	_ = redis.Nil
}
