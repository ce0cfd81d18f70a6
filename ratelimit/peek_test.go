package ratelimit

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// TestPeekInDebt checks that Take(0) is allowed, and reports no tokens and
// no wait, while a sleeping Wait holds the bucket in debt.
func TestPeekInDebt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		b := NewTokenBucket(1, 1)
		k := NewKeyed[string](1, 1)
		b.Allow()
		k.Allow("a")
		go b.Wait(ctx)
		go k.Wait(ctx, "a")
		synctest.Wait()
		want := Decision{Allowed: true, Limit: 1, Burst: 1, ResetAfter: 2 * time.Second}
		if got := b.Take(0); got != want {
			t.Errorf("TokenBucket.Take(0) = %+v, want %+v", got, want)
		}
		if got := k.Take("a", 0); got != want {
			t.Errorf("Keyed.Take(a, 0) = %+v, want %+v", got, want)
		}
		cancel()
	})
}
