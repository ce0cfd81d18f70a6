package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestKeyedIndependentKeys(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[string](1, 2)
		if got := allowNow(func() bool { return k.Allow("a") }); got != 2 {
			t.Errorf("key a: %d events at once, want 2", got)
		}
		if got := allowNow(func() bool { return k.Allow("b") }); got != 2 {
			t.Errorf("key b after a was used up: %d events at once, want 2", got)
		}
		time.Sleep(time.Second)
		if !k.Allow("a") || k.Allow("a") {
			t.Error("key a after 1s at 1/s: want exactly 1 event")
		}
		if got := k.Len(); got != 2 {
			t.Errorf("Len() = %d, want 2", got)
		}
	})
}

// TestKeyedForgetsOnlyWhatChangesNothing drives a Keyed and a reference
// that never forgets (one TokenBucket per key) with the same random calls,
// over many keys and random pauses: every answer must agree, while the Keyed
// forgets most keys.
func TestKeyedForgetsOnlyWhatChangesNothing(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		const r, burst = 10, 3
		k := NewKeyed[int](r, burst)
		ref := map[int]*TokenBucket{}
		rng := rand.New(rand.NewPCG(1, 2))
		zipf := rand.NewZipf(rng, 1.1, 1, 2_000) // hot keys and cold ones
		for i := range 100_000 {
			key := int(zipf.Uint64())
			if rng.IntN(4) == 0 {
				key = 10_000 + i // a key seen once, which makes the shards sweep
			}
			if ref[key] == nil {
				ref[key] = NewTokenBucket(r, burst)
			}
			for range 1 + 2*rng.IntN(2) { // bursts show a bucket forgotten early
				if got, want := k.Allow(key), ref[key].Allow(); got != want {
					t.Fatalf("call %d: Allow(%d) = %v, want %v", i, key, got, want)
				}
			}
			if rng.IntN(20) == 0 {
				time.Sleep(time.Duration(rng.IntN(int(50 * time.Millisecond))))
			}
		}
		if got, seen := k.Len(), len(ref); got > seen/4 {
			t.Errorf("Len() = %d of %d keys seen, want most forgotten", got, seen)
		}
	})
}

// TestKeyedKeepsOwedTokens checks that a bucket holding tokens owed to a
// late waiter is not forgotten: a new bucket would not have them.
func TestKeyedKeepsOwedTokens(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[int](1_000, 1)
		ctx := context.Background()
		k.Wait(ctx, 0)
		k.Wait(ctx, 0) // sleeps 1ms
		time.Sleep(3 * time.Millisecond)
		for i := 1; i < 4*minShardKeys*keyedShards; i++ { // sweeps every shard
			k.Allow(i)
		}
		start := time.Now()
		n := 0
		for ; time.Since(start) == 0; n++ {
			k.Wait(ctx, 0)
		}
		if got, want := n-1, 3; got != want {
			t.Errorf("3ms late: %d waits at once, want %d", got, want)
		}
	})
}

func TestKeyedMaxKeys(t *testing.T) {
	for _, tc := range []struct{ n, keys int }{{5, 100_000}, {1_000, 1_000_000}} {
		n := tc.n
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			k := NewKeyed[int](1, 1)
			k.SetMaxKeys(n)
			for i := range tc.keys {
				if !k.Allow(i) {
					t.Fatalf("Allow(%d) for a new key = false, want true", i)
				}
				if i%10_000 == 0 && k.Len() > n {
					t.Fatalf("after %d keys Len() = %d, want <= %d", i+1, k.Len(), n)
				}
			}
			if got := k.Len(); got > n || got < n/2 {
				t.Errorf("after %d keys Len() = %d, want <= %d and near it", tc.keys, got, n)
			}
		})
	}
}

func TestKeyedMaxKeysPrefersFull(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[string](1, 1)
		k.SetMaxKeys(2)
		k.Allow("a")
		time.Sleep(2 * time.Second) // a refills
		k.Allow("b")
		k.Allow("c") // evicts a, which changes nothing
		if k.Allow("b") {
			t.Error("Allow(b) = true: b was forgotten while a full bucket could go")
		}
		if got := k.Len(); got != 2 {
			t.Errorf("Len() = %d, want 2", got)
		}
		// No full bucket left: the next key evicts one in use.
		k.Allow("d")
		if got := k.Len(); got != 2 {
			t.Errorf("Len() = %d, want 2", got)
		}
	})
}

func TestKeyedSetMaxKeysShrinks(t *testing.T) {
	k := NewKeyed[int](1, 1)
	for i := range 10_000 {
		k.Allow(i)
	}
	k.SetMaxKeys(100)
	if got := k.Len(); got > 100 {
		t.Errorf("Len() after SetMaxKeys(100) = %d, want <= 100", got)
	}
	k.SetMaxKeys(0)
	for i := range 10_000 {
		k.Allow(-1 - i)
	}
	if got := k.Len(); got < 10_000 {
		t.Errorf("Len() after SetMaxKeys(0) = %d, want >= 10000", got)
	}
}

// TestKeyedHighRate checks the refill at 100,000 tokens per second: a
// limiter that adds whole tokens once per interval cannot exceed about
// 31,623 per second.
func TestKeyedHighRate(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		const perSec = 100_000
		k := NewKeyed[string](perSec, 100)
		n := 0
		for range 1000 {
			n += allowNow(func() bool { return k.Allow("x") })
			time.Sleep(time.Millisecond)
		}
		if want := perSec; !within(n, want) {
			t.Errorf("Allow over 1s at %d/s: %d events, want %d within 1%%", perSec, n, want)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		got := waitLoop(t, ctx, func(ctx context.Context) error { return k.Wait(ctx, "y") })
		if want := perSec; !within(got, want) {
			t.Errorf("Wait loop over 1s at %d/s: %d events, want %d within 1%%", perSec, got, want)
		}
	})
}

func TestKeyedWaitErrors(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[string](1, 1)
		k.Allow("a")
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		if err := k.Wait(ctx, "a"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait() = %v, want %v", err, context.DeadlineExceeded)
		}
		cause := errors.New("gave up")
		cctx, ccancel := context.WithCancelCause(context.Background())
		go func() {
			time.Sleep(300 * time.Millisecond)
			ccancel(cause)
		}()
		if err := k.Wait(cctx, "a"); err != cause {
			t.Errorf("Wait() = %v, want %v", err, cause)
		}
		time.Sleep(700 * time.Millisecond)
		if !k.Allow("a") {
			t.Error("Allow(a) after 1s = false: a failed Wait took the token")
		}
		if err := k.Wait(cctx, "a"); err != cause {
			t.Errorf("Wait(done ctx) = %v, want %v", err, cause)
		}
	})
}

func TestKeyedZeroRate(t *testing.T) {
	k := NewKeyed[string](0, 2)
	for range 2 {
		if err := k.Wait(context.Background(), "a"); err != nil {
			t.Fatalf("Wait() with tokens left at rate 0 = %v, want nil", err)
		}
	}
	if err := k.Wait(context.Background(), "a"); !errors.Is(err, ErrNeverAllowed) {
		t.Errorf("Wait() on an empty bucket at rate 0 = %v, want %v", err, ErrNeverAllowed)
	}
	if k.Allow("a") || !k.Allow("b") {
		t.Error("rate 0: want a refused and b allowed")
	}
}

func TestKeyedZeroAndInf(t *testing.T) {
	var zero Keyed[string]
	if zero.Allow("a") {
		t.Error("zero Keyed: Allow() = true, want false")
	}
	if err := zero.Wait(context.Background(), "a"); !errors.Is(err, ErrNeverAllowed) {
		t.Errorf("zero Keyed: Wait() = %v, want %v", err, ErrNeverAllowed)
	}
	zero.SetMaxKeys(3)
	if got := zero.Len(); got != 0 {
		t.Errorf("zero Keyed: Len() = %d, want 0", got)
	}
	k := NewKeyed[string](rate.Inf, 0)
	for range 100 {
		if !k.Allow("a") || k.Wait(context.Background(), "a") != nil {
			t.Fatal("rate.Inf refused an event")
		}
	}
	if got := k.Len(); got != 0 {
		t.Errorf("rate.Inf: Len() = %d, want 0", got)
	}
}

func TestKeyedConcurrent(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		const r, burst, keys = 10_000, 5, 50
		start := time.Now()
		k := NewKeyed[int](r, burst)
		var mu sync.Mutex
		allowed := map[int]int{}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				mine := map[int]int{}
				for i := range 20_000 {
					if i%5_000 == 0 && g == 0 {
						k.SetMaxKeys(keys * (1 + i%2))
					}
					if key := (i * (g + 1)) % keys; k.Allow(key) {
						mine[key]++
					}
				}
				mu.Lock()
				for key, n := range mine {
					allowed[key] += n
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		most := burst + r*time.Since(start).Seconds()
		for key, n := range allowed {
			if float64(n) > most {
				t.Errorf("key %d: %d events, want at most %.0f", key, n, most)
			}
		}
	})
}

func TestNewKeyedPanics(t *testing.T) {
	conctest.Panics(t, "ratelimit: ", func() { NewKeyed[int](1, 0) })
	conctest.Panics(t, "ratelimit: ", func() { NewKeyed[int](-1, 1) })
}

// TestKeyedMaxKeysEvictsFullBeforeOwed checks that a full bucket is evicted
// before one holding more tokens than burst, owed to a late waiter: only the
// full one gives the same answers when it starts again.
func TestKeyedMaxKeysEvictsFullBeforeOwed(t *testing.T) {
	for i := 0; i < 200 && !t.Failed(); i++ { // the sample starts at a random slot
		conctest.Bubble(t, func(t *testing.T) {
			k := NewKeyed[string](1_000, 1)
			k.SetMaxKeys(2)
			k.Allow("full")
			time.Sleep(time.Second)
			ctx := context.Background()
			k.Wait(ctx, "owed")
			k.Wait(ctx, "owed") // sleeps 1ms
			time.Sleep(3 * time.Millisecond)
			k.Allow("new") // evicts one of the two
			if got := waitsAtOnce(t, func(ctx context.Context) error { return k.Wait(ctx, "owed") }); got != 3 {
				t.Errorf("run %d: owed key, 3ms late: %d Waits at once, want 3 (it was evicted)", i, got)
			}
		})
	}
}
