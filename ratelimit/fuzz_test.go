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

// FuzzKeyedMatchesTokenBuckets drives a Keyed and one TokenBucket per key
// with the same Allows and pauses, over enough keys that shards grow, sweep
// and rebuild their tables, and checks that every answer is the same: a
// Keyed forgets a key only when that changes no answer.
func FuzzKeyedMatchesTokenBuckets(f *testing.F) {
	f.Add(uint16(100), uint8(3), uint16(3000), []byte{0, 1, 2, 3, 200, 7, 255, 19, 40})
	f.Add(uint16(1000), uint8(1), uint16(50), []byte{5, 5, 5, 3, 3, 9, 8, 7})
	f.Add(uint16(171), uint8(2), uint16(3000), []byte("01"))
	f.Fuzz(func(t *testing.T, r uint16, burst uint8, keys uint16, ops []byte) {
		if r == 0 || burst == 0 {
			return
		}
		keys = keys%4096 + 1
		synctest.Test(t, func(t *testing.T) {
			k := NewKeyed[int](rate.Limit(r), int(burst))
			ref := map[int]*TokenBucket{}
			allow := func(key int) {
				if ref[key] == nil {
					ref[key] = NewTokenBucket(rate.Limit(r), int(burst))
				}
				if got, want := k.Allow(key), ref[key].Allow(); got != want {
					t.Fatalf("Allow(%d) = %v, a TokenBucket says %v", key, got, want)
				}
			}
			for key := range int(keys) {
				allow(key)
			}
			for i, op := range ops {
				if op%4 == 3 {
					time.Sleep(time.Duration(op) * time.Millisecond)
					continue
				}
				// Keys beyond the first ones keep arriving, so that shards
				// sweep out the buckets that have refilled meanwhile.
				for j := range 1 + int(op)%64 {
					allow((i*131 + j*int(op)) % (2 * int(keys)))
				}
			}
		})
	})
}

// FuzzTake drives Take on a Keyed and on one TokenBucket per key with
// requests and pauses decoded from the input, and checks that both decide
// alike and that a refused Take's RetryAfter is exact: one nanosecond
// earlier Take is refused, at RetryAfter it succeeds.
func FuzzTake(f *testing.F) {
	f.Add(uint32(16), uint8(3), []byte{0, 1, 2, 3, 4, 5, 200, 9, 9, 9})
	f.Add(uint32(48), uint8(1), []byte{1, 1, 1, 7, 1})
	f.Add(uint32(1), uint8(20), []byte{60, 61, 62, 255})
	f.Fuzz(func(t *testing.T, r16 uint32, burst uint8, ops []byte) {
		if burst == 0 {
			return
		}
		r := rate.Limit(r16) / 16 // sixteenths, to reach rates that do not divide 1e9
		synctest.Test(t, func(t *testing.T) {
			k := NewKeyed[int](r, int(burst))
			ref := [4]*TokenBucket{}
			for i := range ref {
				ref[i] = NewTokenBucket(r, int(burst))
			}
			for _, op := range ops {
				key, n := int(op%4), int(op/4)%(int(burst)+2)
				if op >= 240 {
					time.Sleep(time.Duration(op-239) * 7 * time.Millisecond)
					continue
				}
				got, want := k.Take(key, n), ref[key].Take(n)
				if got != want {
					t.Fatalf("Keyed.Take(%d, %d) = %+v, TokenBucket.Take = %+v", key, n, got, want)
				}
				if got.Allowed || got.RetryAfter < 0 {
					continue
				}
				time.Sleep(got.RetryAfter - 1)
				if d := ref[key].Take(n); d.Allowed {
					t.Fatalf("Take(%d) allowed 1ns before RetryAfter %v", n, got.RetryAfter)
				}
				time.Sleep(time.Nanosecond)
				if d := k.Take(key, n); !d.Allowed {
					t.Fatalf("Keyed.Take(%d, %d) refused at RetryAfter %v: %+v", key, n, got.RetryAfter, d)
				}
				ref[key].Take(n)
			}
		})
	})
}
