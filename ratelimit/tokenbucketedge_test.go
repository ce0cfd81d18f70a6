package ratelimit

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestTokenBucketInfIgnoresBurst checks that at rate.Inf every AllowN is
// allowed, however large n and however often, with no time passing.
func TestTokenBucketInfIgnoresBurst(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(rate.Inf, 1)
		for n := range 100 {
			if !b.AllowN(n) {
				t.Fatalf("AllowN(%d) with rate.Inf and burst 1 = false, want true", n)
			}
		}
	})
}

// TestTokenBucketWaitZero checks that WaitN(ctx, 0) returns nil at once,
// even on an empty bucket, and takes nothing.
func TestTokenBucketWaitZero(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1, 1)
		b.Allow()
		start := time.Now()
		if err := b.WaitN(context.Background(), 0); err != nil || time.Since(start) != 0 {
			t.Errorf("WaitN(0) on an empty bucket = %v after %v, want nil at once", err, time.Since(start))
		}
		time.Sleep(time.Second)
		if !b.Allow() {
			t.Error("Allow() a second after WaitN(0) = false, want true: WaitN(0) took nothing")
		}
	})
}
