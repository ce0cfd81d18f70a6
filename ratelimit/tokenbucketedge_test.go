package ratelimit

import (
	"testing"

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
