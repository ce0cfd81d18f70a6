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

// TestResetAfterBeyondClock checks that ResetAfter is negative when the
// bucket would fill only beyond its clock of about 292 years, as RetryAfter
// is for tokens that come that late.
func TestResetAfterBeyondClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewTokenBucket(1e-12, 2) // a token every 31,700 years
		d := b.Take(1)
		if !d.Allowed || d.ResetAfter >= 0 {
			t.Errorf("Take(1) = %+v, want allowed, ResetAfter < 0", d)
		}
		if d := b.Take(2); d.Allowed || d.RetryAfter >= 0 {
			t.Errorf("Take(2) = %+v, want refused, RetryAfter < 0", d)
		}
	})
}
