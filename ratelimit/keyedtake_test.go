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

// TestKeyedTakeStoresNoFullBucket checks that a peek, a refused Take and
// any Take at rate.Inf store no bucket, and that Take keeps to SetMaxKeys.
func TestKeyedTakeStoresNoFullBucket(t *testing.T) {
	k := NewKeyed[int](1, 3)
	k.Take(1, 0)
	k.Take(2, 4)
	if got := k.Len(); got != 0 {
		t.Errorf("after a peek and a refused Take: Len() = %d, want 0", got)
	}
	k.Take(3, 1)
	if got := k.Len(); got != 1 {
		t.Errorf("after an allowed Take: Len() = %d, want 1", got)
	}
	inf := NewKeyed[int](rate.Inf, 3)
	inf.Take(1, 1)
	if got := inf.Len(); got != 0 {
		t.Errorf("rate.Inf: Len() = %d, want 0", got)
	}
	k.SetMaxKeys(100)
	for key := range 100_000 {
		if d := k.Take(key, 2); !d.Allowed {
			t.Fatalf("Take(%d, 2) on a new key = %+v, want allowed", key, d)
		}
	}
	if got := k.Len(); got > 100 {
		t.Errorf("after 100,000 keys under SetMaxKeys(100): Len() = %d", got)
	}
}

// TestKeyedTakeForgetsOnlyWhatChangesNothing drives a Keyed and one
// TokenBucket per key with the same random Takes and pauses, over enough
// keys that shards sweep: every Decision must agree.
func TestKeyedTakeForgetsOnlyWhatChangesNothing(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		const r, burst = 10, 3
		k := NewKeyed[int](r, burst)
		ref := map[int]*TokenBucket{}
		rng := rand.New(rand.NewPCG(7, 8))
		for i := range 50_000 {
			key := rng.IntN(3_000)
			if ref[key] == nil {
				ref[key] = NewTokenBucket(r, burst)
			}
			n := rng.IntN(burst + 2)
			if got, want := k.Take(key, n), ref[key].Take(n); got != want {
				t.Fatalf("call %d: Take(%d, %d) = %+v, want %+v", i, key, n, got, want)
			}
			if rng.IntN(50) == 0 {
				time.Sleep(time.Duration(rng.IntN(int(200 * time.Millisecond))))
			}
		}
	})
}

func TestKeyedReset(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[string](1, 2)
		k.Take("a", 2)
		k.Take("b", 2)
		k.Reset("a")
		k.Reset("c") // no bucket: nothing happens
		if got := k.Len(); got != 1 {
			t.Errorf("after Reset: Len() = %d, want 1", got)
		}
		want := Decision{Allowed: true, Limit: 1, Burst: 2, Remaining: 1, ResetAfter: time.Second}
		if got := k.Take("a", 1); got != want {
			t.Errorf("Take after Reset = %+v, want %+v", got, want)
		}
		if k.Allow("b") {
			t.Error("Reset(a) refilled b")
		}
		inf := NewKeyed[string](rate.Inf, 1)
		inf.Reset("a")
		var zero Keyed[string]
		zero.Reset("a")
	})
}

// TestKeyedResetWhileWaiting checks that a Wait sleeping when its key is
// reset is not woken, still gets its token at its time, and gives it to the
// new bucket, capped at burst, when cancelled.
func TestKeyedResetWhileWaiting(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[string](1, 1)
		k.Allow("a")
		start := time.Now()
		done := make(chan error)
		go func() { done <- k.Wait(t.Context(), "a") }()
		synctest.Wait()
		k.Reset("a")
		if !k.Allow("a") {
			t.Error("Allow after Reset = false, want true")
		}
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("Wait returned %v at Reset, want it to sleep on", err)
		default:
		}
		if err := <-done; err != nil || time.Since(start) != time.Second {
			t.Errorf("Wait() = %v after %v, want nil after 1s", err, time.Since(start))
		}

		if !k.Allow("a") { // the new bucket's token, refilled since
			t.Fatal("Allow 1s after the last = false, want true")
		}
		ctx, cancel := context.WithCancel(t.Context())
		go func() { done <- k.Wait(ctx, "a") }() // reserves the next token, due in 1s
		synctest.Wait()
		k.Reset("a")
		k.Allow("a") // empties the new bucket
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Wait() = %v, want context.Canceled", err)
		}
		if got := k.Take("a", 0).Remaining; got != 1 {
			t.Errorf("after the cancelled Wait gave its token back: Remaining = %d, want 1", got)
		}
	})
}
