package redislimit

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestDenyCacheRefuse(t *testing.T) {
	c := newDenyCache(10)
	c.put("k", denial{n: 2, remaining: 1, until: 100, full: 300}, 0, 0)
	for _, tc := range []struct {
		n    int
		now  int64
		want bool
	}{
		{1, 50, false}, // fewer tokens than refused may be there
		{2, 50, true},
		{3, 99, true},
		{2, 100, false}, // due: ask Redis
		{2, 50, false},  // the entry is gone
	} {
		if _, got, _ := c.refuse("k", tc.n, tc.now); got != tc.want {
			t.Errorf("refuse(k, %d) at %d = %v, want %v", tc.n, tc.now, got, tc.want)
		}
	}
}

// TestDenyCacheBounded: a flood of distinct keys never holds more than the
// size, and expired entries go first.
func TestDenyCacheBounded(t *testing.T) {
	c := newDenyCache(4)
	c.put("old", denial{n: 1, until: 10}, 0, 0)
	for i := range 1000 {
		c.put(fmt.Sprint(i), denial{n: 1, until: 1e9}, 20, 0)
		if len(c.m) > 4 {
			t.Fatalf("%d entries after %d puts, want at most 4", len(c.m), i+1)
		}
	}
	if _, ok := c.m["old"]; ok {
		t.Errorf("the expired entry outlived 1000 puts")
	}
	c.forget("999")
	if _, ok, _ := c.refuse("999", 1, 30); ok {
		t.Errorf("refuse after forget = true, want false")
	}
}

// TestDenyCacheStale: a refusal that was on its way when a key was
// forgotten is not kept.
func TestDenyCacheStale(t *testing.T) {
	c := newDenyCache(4)
	_, _, epoch := c.refuse("k", 1, 0)
	c.forget("k")
	c.put("k", denial{n: 1, until: 100}, 0, epoch)
	if _, ok, _ := c.refuse("k", 1, 10); ok {
		t.Errorf("refuse = true after a put from before forget, want false")
	}
}

// TestDenyCacheResetRace: a Reset while Redis refuses a Take, whose answer
// arrives after it, leaves nothing in the cache: the next Take asks Redis.
func TestDenyCacheResetRace(t *testing.T) {
	f := &fakeScripter{}
	l := New(f, 1, 1)
	l.SetDenyCache(10)
	f.setAnswer(func(bool) (any, error) {
		f.setAnswer(func(bool) (any, error) { return int64(1), nil }) // Reset's DEL
		if err := l.Reset(context.Background(), "k"); err != nil {
			t.Errorf("Reset = %v", err)
		}
		f.setAnswer(nil)
		return []any{int64(0), int64(0), int64(500000), int64(1000000)}, nil
	})
	if d := take(t, l, "k", 1); d.Allowed {
		t.Fatalf("Take = %+v, want the refusal", d)
	}
	if d := take(t, l, "k", 1); !d.Allowed {
		t.Errorf("Take after the Reset = %+v, want Redis's answer (allowed), not the stale refusal", d)
	}
}

// TestDenyCacheResetLate: a refusal given by Redis just before Reset's DEL
// does not outlive the Reset in the cache.
func TestDenyCacheResetLate(t *testing.T) {
	f := &fakeScripter{}
	l := New(f, 1, 1)
	l.SetDenyCache(10)
	f.setAnswer(func(bool) (any, error) { // Reset's DEL
		f.setAnswer(func(bool) (any, error) {
			return []any{int64(0), int64(0), int64(500000), int64(1000000)}, nil
		})
		if d := take(t, l, "k", 1); d.Allowed {
			t.Errorf("Take before the DEL = %+v, want the refusal", d)
		}
		f.setAnswer(nil)
		return int64(1), nil
	})
	if err := l.Reset(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
	if d := take(t, l, "k", 1); !d.Allowed {
		t.Errorf("Take after the Reset = %+v, want Redis's answer (allowed), not the stale refusal", d)
	}
}

// TestDenyCacheGiveBack: a Wait that gives its tokens back clears the
// key's refusal, which said the tokens come later than they now do.
func TestDenyCacheGiveBack(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 1, 1)
	l.SetDenyCache(10)
	take(t, l, "k", 1) // empty: full in 1s
	ctx, cancel := context.WithCancel(context.Background())
	w := startWait(t, ctx, l, "k", 2*time.Second)
	if d := take(t, l, "k", 1); d.Allowed {
		t.Fatalf("Take behind the Wait = %+v, want refused (and cached)", d)
	}
	cancel()
	<-w
	m.advance(time.Second)
	if d := take(t, l, "k", 1); !d.Allowed {
		t.Errorf("Take once the given-back token is due = %+v, want allowed", d)
	}
}

// TestDenyCacheTake: a refusal from Redis is repeated from the cache until
// its time, without a call; a peek and smaller requests still go to Redis;
// Reset forgets the entry.
func TestDenyCacheTake(t *testing.T) {
	m := newMini(t)
	l := New(m.c, 1, 2)
	l.SetDenyCache(10)
	take(t, l, "k", 2)
	first := take(t, l, "k", 2) // refused by Redis: cached
	calls := m.CommandCount()
	d := take(t, l, "k", 2)
	if d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > first.RetryAfter || d.RetryAfter%time.Microsecond != 0 {
		t.Errorf("cached Take = %+v, want refused, RetryAfter in (0, %v] in whole µs", d, first.RetryAfter)
	}
	if d.Limit != 1 || d.Burst != 2 || d.ResetAfter <= 0 || d.ResetAfter > first.ResetAfter {
		t.Errorf("cached Take = %+v, want Limit 1, Burst 2, ResetAfter in (0, %v]", d, first.ResetAfter)
	}
	if got := m.CommandCount(); got != calls {
		t.Errorf("the cached refusal made %d calls, want none", got-calls)
	}
	take(t, l, "k", 0)
	peek := m.CommandCount()
	if peek == calls {
		t.Errorf("Take(0) made no call, want a peek at Redis")
	}
	take(t, l, "k", 1)
	if m.CommandCount() == peek {
		t.Errorf("Take(1) made no call, want one: Redis refused 2 tokens, not 1")
	}
	if err := l.Reset(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
	if d := take(t, l, "k", 2); !d.Allowed {
		t.Errorf("Take(2) after Reset = %+v, want allowed", d)
	}
}
