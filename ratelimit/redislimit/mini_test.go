package redislimit

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gopatterns/concurrency/ratelimit"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// A mini is an in-process server whose clock moves only when the test
// moves it, for exact arithmetic on the script's answers.
type mini struct {
	*miniredis.Miniredis
	c   *redis.Client
	now time.Time
}

// newMini starts a mini and a client for it; both stop with the test.
func newMini(t *testing.T) *mini {
	t.Helper()
	m := &mini{Miniredis: miniredis.RunT(t), now: time.Unix(1_700_000_000, 0)}
	m.SetTime(m.now)
	m.c = redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { m.c.Close() })
	return m
}

// advance moves the server's clock and its key expiry forward by d.
func (m *mini) advance(d time.Duration) {
	m.now = m.now.Add(d)
	m.SetTime(m.now)
	m.FastForward(d)
}

// take calls l.Take and fails the test on an error.
func take(t *testing.T, l *Limiter, key string, n int) ratelimit.Decision {
	t.Helper()
	d, err := l.Take(context.Background(), key, n)
	if err != nil {
		t.Fatalf("Take(%q, %d) error = %v", key, n, err)
	}
	return d
}

func TestTakeDecisions(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 10, 3)
	dec := func(allowed bool, remaining int, retry, reset time.Duration) ratelimit.Decision {
		return ratelimit.Decision{Allowed: allowed, Limit: 10, Burst: 3, Remaining: remaining, RetryAfter: retry, ResetAfter: reset}
	}
	ms := time.Millisecond
	steps := []struct {
		advance time.Duration
		n       int
		want    ratelimit.Decision
	}{
		{0, 1, dec(true, 2, 0, 100*ms)},
		{0, 2, dec(true, 0, 0, 300*ms)},
		{0, 1, dec(false, 0, 100*ms, 300*ms)},
		{0, 4, dec(false, 0, -1, 300*ms)}, // more than the burst: never
		{0, 0, dec(true, 0, 0, 300*ms)},   // a peek takes nothing
		{150 * ms, 0, dec(true, 1, 0, 150*ms)},
		{0, 2, dec(false, 1, 50*ms, 150*ms)},
		{0, 1, dec(true, 0, 0, 250*ms)},
		{249*ms + 999*time.Microsecond, 0, dec(true, 2, 0, time.Microsecond)},
		{time.Microsecond, 0, dec(true, 3, 0, 0)},
		{time.Hour, 3, dec(true, 0, 0, 300*ms)},
	}
	for i, s := range steps {
		m.advance(s.advance)
		got := take(t, l, "k", s.n)
		if got != s.want {
			t.Errorf("step %d: Take(%d) = %+v, want %+v", i, s.n, got, s.want)
		}
	}
}

func TestStoredKey(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 10, 2)
	l.SetPrefix("app:")
	take(t, l, "k", 1)
	if keys := m.Keys(); len(keys) != 1 || keys[0] != "app:k" {
		t.Fatalf("keys = %q, want [app:k]", keys)
	}
	if v, _ := m.Get("app:k"); v != "1700000000100000" {
		t.Errorf("stored %q, want %q", v, "1700000000100000")
	}
	if ttl := m.TTL("app:k"); ttl != 100*time.Millisecond {
		t.Errorf("TTL = %v, want 100ms: the time until the bucket is full", ttl)
	}
	m.advance(30 * time.Millisecond)
	take(t, l, "k", 1) // 1.3 tokens before, 0.3 after: full in 170 ms
	if ttl := m.TTL("app:k"); ttl != 170*time.Millisecond {
		t.Errorf("TTL = %v, want 170ms", ttl)
	}
	take(t, l, "k", 1) // refused: nothing written
	if ttl := m.TTL("app:k"); ttl != 170*time.Millisecond {
		t.Errorf("TTL after a refusal = %v, want 170ms", ttl)
	}
	m.advance(170 * time.Millisecond)
	if m.Exists("app:k") {
		t.Errorf("key still there when the bucket is full")
	}
}

// TestTTLRoundsUp: a bucket full again in 100.0005 ms expires in 101 ms, not
// 100, so that it is never forgotten while it still holds less than burst.
func TestTTLRoundsUp(t *testing.T) {
	m := newMini(t)
	l := New(m.c, rate.Limit(1e6/100000.5), 1) // 100000.5 µs per token
	take(t, l, "k", 1)
	if ttl := m.TTL("redislimit:k"); ttl != 101*time.Millisecond {
		t.Errorf("TTL = %v, want 101ms", ttl)
	}
	if d := take(t, l, "k", 0); d.ResetAfter != 100001*time.Microsecond {
		t.Errorf("ResetAfter = %v, want 100.001ms (rounded up to the µs)", d.ResetAfter)
	}
}

// TestFractionalInterval: at 10,000,000/s a token takes 0.1 µs. A float64
// holding today's time in µs moves in steps of 0.25 µs, and would lose each
// 0.1 µs step; the stored split time adds them up exactly.
func TestFractionalInterval(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 1e7, 10)
	for i := range 10 {
		if d := take(t, l, "k", 1); !d.Allowed || d.Remaining != 9-i {
			t.Fatalf("Take %d = %+v, want allowed with %d left", i, d, 9-i)
		}
	}
	if d := take(t, l, "k", 1); d.Allowed || d.RetryAfter != time.Microsecond {
		t.Fatalf("11th Take = %+v, want refused for 1µs", d)
	}
	for i := range 1000 {
		m.advance(time.Microsecond) // 10 tokens
		if d := take(t, l, "k", 10); !d.Allowed {
			t.Fatalf("step %d: Take(10) = %+v, want allowed", i, d)
		}
		if d := take(t, l, "k", 1); d.Allowed {
			t.Fatalf("step %d: Take(1) after Take(10) = %+v, want refused", i, d)
		}
	}
}

// TestThirds: at 3/s a token takes 333333.33 µs, and three of them add up
// to a second give or take the last bit; a token due counts as there.
func TestThirds(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 3, 3)
	for range 3 {
		take(t, l, "k", 1)
	}
	if d := take(t, l, "k", 0); d.ResetAfter != time.Second {
		t.Errorf("ResetAfter = %v, want 1s", d.ResetAfter)
	}
	if v, _ := m.Get("redislimit:k"); !regexp.MustCompile(`^170000000099999\d \d+$`).MatchString(v) {
		t.Errorf("stored %q, want whole µs and a fraction", v)
	}
	m.advance(time.Second)
	if d := take(t, l, "k", 3); !d.Allowed {
		t.Errorf("Take(3) a second after emptying = %+v, want allowed", d)
	}
	m.advance(333334 * time.Microsecond)
	if d := take(t, l, "k", 1); !d.Allowed {
		t.Errorf("Take(1) a third of a second later = %+v, want allowed", d)
	}
}

func TestInfNoRoundTrip(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: deadAddr(t)})
	defer c.Close()
	l := New(c, rate.Inf, 5)
	d, err := l.Take(context.Background(), "k", 100)
	want := ratelimit.Decision{Allowed: true, Limit: rate.Inf, Burst: 5, Remaining: 5}
	if err != nil || d != want {
		t.Errorf("Take = %+v, %v; want %+v, nil", d, err, want)
	}
	if err := l.WaitN(context.Background(), "k", 100); err != nil {
		t.Errorf("WaitN = %v, want nil", err)
	}
	if err := l.Reset(context.Background(), "k"); err != nil {
		t.Errorf("Reset = %v, want nil", err)
	}
}

func TestReset(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 1, 1)
	take(t, l, "k", 1)
	if err := l.Reset(context.Background(), "k"); err != nil {
		t.Fatalf("Reset = %v", err)
	}
	if m.Exists("redislimit:k") {
		t.Errorf("key still there after Reset")
	}
	if d := take(t, l, "k", 1); !d.Allowed {
		t.Errorf("Take after Reset = %+v, want allowed", d)
	}
}

// TestSlowRateFullBucket: at rates of a token per 1000s and slower, the
// tolerance of 1e-9 tokens is a microsecond or more; a full bucket still
// reports ResetAfter 0, never the negative that means it never fills.
func TestSlowRateFullBucket(t *testing.T) {
	m := newMini(t)
	for _, every := range []time.Duration{1000 * time.Second, 24 * time.Hour} {
		l := New(m.c, rate.Every(every), 2)
		l.SetPrefix(every.String() + ":")
		if d := take(t, l, "k", 0); d.ResetAfter != 0 || d.Remaining != 2 {
			t.Errorf("every %v: Take(0) on a full bucket = %+v, want ResetAfter 0, 2 left", every, d)
		}
		if d := take(t, l, "k", 3); d.ResetAfter != 0 || d.RetryAfter >= 0 {
			t.Errorf("every %v: Take(3 > burst) on a full bucket = %+v, want ResetAfter 0, refused for ever", every, d)
		}
	}
}
