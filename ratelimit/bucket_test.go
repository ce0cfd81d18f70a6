package ratelimit

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestTokenBucketClockNeverBackwards checks golang/go#65508: under contention
// many goroutines calling Allow never get more than burst + r*elapsed.
func TestTokenBucketClockNeverBackwards(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		const r, burst = 100_000, 10
		start := time.Now()
		b := NewTokenBucket(r, burst)
		var allowed atomic.Int64
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for range 20_000 {
					if b.Allow() {
						allowed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		if got, most := allowed.Load(), burst+r*elapsed.Seconds(); float64(got) > most {
			t.Errorf("%d events allowed in %v, want at most burst + r*elapsed = %.1f", got, elapsed, most)
		}
	})
}

// TestBucketClockNeverBackwards replays what contention does to
// rate.Limiter (golang/go#65508): a call that read the time earlier reaches
// the bucket after one that read it later. rate.Limiter then moves its clock
// back and refills the same interval twice; a bucket must not.
func TestBucketClockNeverBackwards(t *testing.T) {
	const ms = int64(time.Millisecond)
	var b bucket // empty
	l := newLimits(1000, 1000)
	b.allow(100*ms, 0, &l)
	b.allow(50*ms, 0, &l)
	if got := b.tokensAt(100*ms, &l, false); got != 100*nano {
		t.Errorf("tokensAt(100ms) = %v, want 100", got/nano)
	}

	// The same calls on rate.Limiter, for comparison.
	lim := rate.NewLimiter(1000, 1000)
	t0 := time.Now()
	lim.AllowN(t0, 1000)
	lim.AllowN(t0.Add(100*time.Millisecond), 0)
	lim.AllowN(t0.Add(50*time.Millisecond), 0)
	if got := lim.TokensAt(t0.Add(100 * time.Millisecond)); got == 100 {
		t.Logf("rate.Limiter no longer refills twice")
	}
}
