package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestKeyedMaxKeysKeepsOwedAtBurst checks that a bucket holding exactly
// burst tokens while a late Wait may still be owed more is not taken for a
// full one: it is evicted only after the truly full bucket. At 1000/s with
// burst 1, the owed key's newest Wait was due at 1ms; at 2ms it holds 1
// token, and 3ms later a Wait loop is owed 4.
func TestKeyedMaxKeysKeepsOwedAtBurst(t *testing.T) {
	for i := 0; i < 64 && !t.Failed(); i++ { // the sample starts at a random slot
		conctest.Bubble(t, func(t *testing.T) {
			k := NewKeyed[string](1_000, 1)
			k.SetMaxKeys(2)
			k.Allow("full")
			time.Sleep(time.Second)
			ctx := context.Background()
			k.Wait(ctx, "owed")
			k.Wait(ctx, "owed") // sleeps 1ms
			time.Sleep(time.Millisecond)
			k.Allow("new") // evicts one of the two
			time.Sleep(3 * time.Millisecond)
			if got := waitsAtOnce(t, func(ctx context.Context) error { return k.Wait(ctx, "owed") }); got != 4 {
				t.Errorf("run %d: owed key, 4ms after its Wait's time: %d Waits at once, want 4 (it was evicted)", i, got)
			}
		})
	}
}

// TestKeyedMaxKeysEvictsMostTokens checks that with no full bucket in the
// sample, the one with the most tokens is evicted: its answers change least
// when it starts again from a full burst.
func TestKeyedMaxKeysEvictsMostTokens(t *testing.T) {
	for i := 0; i < 64 && !t.Failed(); i++ { // the sample starts at a random slot
		conctest.Bubble(t, func(t *testing.T) {
			k := NewKeyed[string](1, 10)
			k.SetMaxKeys(2)
			k.Take("rich", 1)  // 9 tokens left
			k.Take("poor", 10) // none left
			k.Allow("new")     // evicts one of the two
			if d := k.Take("poor", 1); d.Allowed {
				t.Errorf("run %d: the empty bucket was evicted, not the one with 9 tokens", i)
			}
		})
	}
}
