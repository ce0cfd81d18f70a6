package ratelimit

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestLimitAndBurst(t *testing.T) {
	b := NewTokenBucket(10, 3)
	k := NewKeyed[int](10, 3)
	check := func(when string, r rate.Limit, burst int) {
		t.Helper()
		if got := b.Limit(); got != r {
			t.Errorf("%s: TokenBucket.Limit() = %v, want %v", when, got, r)
		}
		if got := b.Burst(); got != burst {
			t.Errorf("%s: TokenBucket.Burst() = %d, want %d", when, got, burst)
		}
		if got := k.Limit(); got != r {
			t.Errorf("%s: Keyed.Limit() = %v, want %v", when, got, r)
		}
		if got := k.Burst(); got != burst {
			t.Errorf("%s: Keyed.Burst() = %d, want %d", when, got, burst)
		}
	}
	check("new", 10, 3)
	b.SetLimit(2)
	k.SetLimit(2)
	check("SetLimit(2)", 2, 3)
	b.SetBurst(5)
	k.SetBurst(5)
	check("SetBurst(5)", 2, 5)
	b.SetLimit(rate.Inf)
	k.SetLimit(rate.Inf)
	b.SetBurst(0)
	k.SetBurst(0)
	check("rate.Inf, SetBurst(0)", rate.Inf, 1)

	b, k = NewTokenBucket(rate.Inf, 0), NewKeyed[int](rate.Inf, 0)
	check("new at rate.Inf with burst 0", rate.Inf, 1)
}

// TestZeroKeyedLimits checks that a zero Keyed reports a zero rate and
// burst, that SetLimit and SetBurst leave it allowing nothing, and that
// they still reject bad values.
func TestZeroKeyedLimits(t *testing.T) {
	var k Keyed[int]
	k.SetLimit(5)
	k.SetBurst(5)
	if k.Limit() != 0 || k.Burst() != 0 {
		t.Errorf("zero Keyed after SetLimit and SetBurst: Limit() = %v, Burst() = %d, want 0, 0", k.Limit(), k.Burst())
	}
	if k.Allow(1) {
		t.Error("zero Keyed: Allow() = true, want false")
	}
	if err := k.WaitN(t.Context(), 1, 1); !errors.Is(err, ErrNeverAllowed) {
		t.Errorf("zero Keyed: WaitN(1) = %v, want ErrNeverAllowed", err)
	}
	if err := k.WaitN(t.Context(), 1, 0); err != nil {
		t.Errorf("zero Keyed: WaitN(0) = %v, want nil", err)
	}
	conctest.Panics(t, "ratelimit: rate < 0", func() { k.SetLimit(-1) })
	conctest.Panics(t, "ratelimit: burst < 1", func() { k.SetBurst(0) })
}

func TestKeyedSetBadLimits(t *testing.T) {
	k := NewKeyed[int](1, 1)
	conctest.Panics(t, "ratelimit: rate < 0", func() { k.SetLimit(-1) })
	conctest.Panics(t, "ratelimit: burst < 1", func() { k.SetBurst(0) })
	conctest.Panics(t, "ratelimit: n < 0", func() { k.WaitN(t.Context(), 1, -1) })
	var nilCtx context.Context
	conctest.Panics(t, "ratelimit: nil context", func() { k.WaitN(nilCtx, 1, 1) })
	if !k.Allow(1) {
		t.Error("after the rejected calls: Allow() = false, want true")
	}
}

// TestKeyedSetLimitAsTokenBucket drives a Keyed and one TokenBucket per
// key with the same random Takes, immediate WaitNs, pauses and changes of
// rate and burst: every answer must agree, as each key's bucket must change
// as a TokenBucket does (but for a larger burst, see setBurstKeepingLack),
// whether the Keyed forgot it or not.
func TestKeyedSetLimitAsTokenBucket(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		rates := []rate.Limit{0, 0.5, 10, 1000, rate.Inf}
		r, burst := rate.Limit(10), 3
		k := NewKeyed[int](r, burst)
		ref := map[int]*TokenBucket{}
		bucketOf := func(key int) *TokenBucket {
			if ref[key] == nil {
				ref[key] = NewTokenBucket(r, burst)
			}
			return ref[key]
		}
		rng := rand.New(rand.NewPCG(3, 4))
		for i := range 30_000 {
			key := rng.IntN(3_000)
			n := rng.IntN(burst + 2)
			switch rng.IntN(8) {
			case 0:
				ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(time.Duration(rng.IntN(2))))
				got, want := k.WaitN(ctx, key, n), bucketOf(key).WaitN(ctx, n)
				cancel()
				if (got == nil) != (want == nil) {
					t.Fatalf("call %d: WaitN(%d, %d) = %v, want %v", i, key, n, got, want)
				}
			case 1:
				if rng.IntN(20) == 0 {
					r = rates[rng.IntN(len(rates))]
					k.SetLimit(r)
					for _, b := range ref {
						b.SetLimit(r)
					}
				}
			case 2:
				if rng.IntN(20) == 0 {
					old := burst
					burst = 1 + rng.IntN(5)
					k.SetBurst(burst)
					for _, b := range ref {
						setBurstKeepingLack(b, old, burst)
					}
				}
			default:
				if got, want := k.Take(key, n), bucketOf(key).Take(n); got != want {
					t.Fatalf("call %d: Take(%d, %d) = %+v, want %+v (rate %v, burst %d)", i, key, n, got, want, r, burst)
				}
			}
			if rng.IntN(50) == 0 {
				time.Sleep(time.Duration(rng.IntN(int(300 * time.Millisecond))))
			}
		}
	})
}

// setBurstKeepingLack changes b's burst from old to burst as Keyed.SetBurst
// does: a larger burst keeps the tokens b lacks, rather than those it holds.
func setBurstKeepingLack(b *TokenBucket, old, burst int) {
	b.SetBurst(burst)
	if burst > old && b.limit < rate.Inf {
		b.mu.Lock()
		b.b.tokens = min(b.b.tokens+float64(burst-old)*nano, b.lim.burst)
		b.mu.Unlock()
	}
}

// TestKeyedSetLimitInfForgetsKeys checks that SetLimit(rate.Inf) forgets
// every key, and that every key starts from a full bucket when the rate
// turns finite again.
func TestKeyedSetLimitInfForgetsKeys(t *testing.T) {
	k := NewKeyed[int](1, 2)
	for key := range 1000 {
		k.Take(key, 2)
	}
	k.SetLimit(rate.Inf)
	if got := k.Len(); got != 0 {
		t.Errorf("after SetLimit(rate.Inf): Len() = %d, want 0", got)
	}
	if d := k.Take(1, 5); !d.Allowed || d.Remaining != 2 {
		t.Errorf("at rate.Inf: Take(1, 5) = %+v, want allowed with Remaining 2", d)
	}
	k.SetLimit(1)
	if got := k.Take(1, 2); !got.Allowed {
		t.Errorf("after the rate turned finite: Take(1, 2) = %+v, want allowed", got)
	}
}

// TestKeyedSetLimitKeepsSleepingWaits checks that a Wait sleeping when the
// rate changes keeps its time, and that the next Wait's time counts the
// tokens it took at the new rate.
func TestKeyedSetLimitKeepsSleepingWaits(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[string](1, 1)
		k.Allow("a")
		start := time.Now()
		done := make(chan error)
		go func() { done <- k.Wait(t.Context(), "a") }()
		synctest.Wait()
		k.SetLimit(4)
		if err := <-done; err != nil || time.Since(start) != time.Second {
			t.Errorf("Wait() = %v after %v, want nil after 1s", err, time.Since(start))
		}
		// The debt of one token left at SetLimit(4) was paid in 250ms, and
		// the bucket was full again from 500ms on.
		if err := k.Wait(t.Context(), "a"); err != nil || time.Since(start) != time.Second {
			t.Errorf("next Wait() = %v after %v, want nil at once", err, time.Since(start))
		}
		if err := k.Wait(t.Context(), "a"); err != nil || time.Since(start) != 1250*time.Millisecond {
			t.Errorf("third Wait() = %v after %v, want nil after 1.25s", err, time.Since(start))
		}
	})
}

func TestKeyedWaitN(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[string](2, 4)
		start := time.Now()
		if err := k.WaitN(t.Context(), "a", 4); err != nil || time.Since(start) != 0 {
			t.Fatalf("WaitN(4) on a full bucket = %v after %v, want nil at once", err, time.Since(start))
		}
		if err := k.WaitN(t.Context(), "a", 3); err != nil || time.Since(start) != 1500*time.Millisecond {
			t.Errorf("WaitN(3) on an empty bucket = %v after %v, want nil after 1.5s", err, time.Since(start))
		}
		if err := k.WaitN(t.Context(), "a", 5); !errors.Is(err, ErrNeverAllowed) {
			t.Errorf("WaitN(5) with burst 4 = %v, want ErrNeverAllowed", err)
		}
		if err := k.WaitN(t.Context(), "b", 0); err != nil || k.Len() != 1 {
			t.Errorf("WaitN(0) = %v with Len() = %d, want nil and no new bucket", err, k.Len())
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := k.WaitN(ctx, "a", 0); !errors.Is(err, context.Canceled) {
			t.Errorf("WaitN(0) on a done ctx = %v, want context.Canceled", err)
		}
		// A cancelled WaitN gives its n tokens back.
		ctx, cancel = context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- k.WaitN(ctx, "a", 2) }()
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled WaitN(2) = %v, want context.Canceled", err)
		}
		if got := k.Take("a", 0).Remaining; got != 0 {
			t.Errorf("after the cancelled WaitN: Remaining = %d, want 0", got)
		}
		time.Sleep(500 * time.Millisecond)
		if got := k.Take("a", 0).Remaining; got != 1 {
			t.Errorf("500ms later: Remaining = %d, want 1", got)
		}
		inf := NewKeyed[string](rate.Inf, 1)
		if err := inf.WaitN(t.Context(), "a", 100); err != nil || inf.Len() != 0 {
			t.Errorf("rate.Inf: WaitN(100) = %v with Len() = %d, want nil and no bucket", err, inf.Len())
		}
	})
}
