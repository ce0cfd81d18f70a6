package ratelimit

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"
)

// FuzzTokenBucketNeverOverspends drives a TokenBucket with Allow, AllowN,
// Wait and pauses decoded from the input, and checks that it never grants
// more than burst + rate * elapsed tokens, plus what a Wait that woke late
// may catch up (rate * CatchUp).
func FuzzTokenBucketNeverOverspends(f *testing.F) {
	f.Add(uint16(100), uint8(3), []byte{0, 0, 0, 0, 1, 2, 3, 200, 0, 0})
	f.Add(uint16(1), uint8(1), []byte{4, 4, 4, 250, 0})
	f.Fuzz(func(t *testing.T, r uint16, burst uint8, ops []byte) {
		if r == 0 || burst == 0 {
			return
		}
		synctest.Test(t, func(t *testing.T) {
			limit := rate.Limit(r)
			b := NewTokenBucket(limit, int(burst))
			start := time.Now()
			granted := 0
			for _, op := range ops {
				switch op % 5 {
				case 0:
					if b.Allow() {
						granted++
					}
				case 1:
					if n := int(op/5)%int(burst) + 1; b.AllowN(n) {
						granted += n
					}
				case 2:
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(op)*time.Millisecond)
					if b.Wait(ctx) == nil {
						granted++
					}
					cancel()
				default:
					time.Sleep(time.Duration(op) * time.Millisecond)
				}
				elapsed := time.Since(start).Seconds()
				most := float64(burst) + float64(limit)*(elapsed+CatchUp.Seconds())
				if float64(granted) > most+1e-9 {
					t.Fatalf("granted %d tokens in %v at %v/s burst %d, want at most %.3f",
						granted, time.Since(start), limit, burst, most)
				}
			}
		})
	})
}
