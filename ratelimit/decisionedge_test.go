package ratelimit

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestTakeZeroKeepsOwedTokens checks that Take(0) only looks: a late Wait
// loop still gets the tokens it is owed above burst afterwards.
func TestTakeZeroKeepsOwedTokens(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1_000, 1)
		b.Wait(context.Background())
		b.Wait(context.Background()) // due at 1ms
		time.Sleep(5 * time.Millisecond)
		if d := b.Take(0); !d.Allowed || d.Remaining != 1 {
			t.Errorf("Take(0) = %+v, want allowed with 1 remaining", d)
		}
		if got := waitsAtOnce(t, b.Wait); got != 5 {
			t.Errorf("5ms after the last due Wait, after Take(0): %d Waits at once, want 5", got)
		}
	})
}

// TestTakeResetAfterWhenFull checks that a bucket holding exactly burst
// tokens, with no time passed since it last changed, reports ResetAfter 0.
func TestTakeResetAfterWhenFull(t *testing.T) {
	for _, tk := range takers {
		conctest.Bubble(t, func(t *testing.T) {
			take := tk.new(10, 5)
			if d := take(0); d.ResetAfter != 0 || d.Remaining != 5 {
				t.Errorf("%s: Take(0) on a new bucket = %+v, want ResetAfter 0 and 5 remaining", tk.name, d)
			}
		})
	}
}

// TestTakeHugeBurstTimes checks RetryAfter and ResetAfter where the tokens
// missing, in units, are far more than nanoseconds in the clock: a burst of
// 1e9 at 1e9/s empties in a second, and at 0.1/s one token comes in 10s.
func TestTakeHugeBurstTimes(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1e9, 1e9)
		if d := b.Take(1e9); !d.Allowed || d.ResetAfter != time.Second {
			t.Errorf("Take(burst) at 1e9/s = %+v, want allowed, ResetAfter 1s", d)
		}
		if d := b.Take(1e9); d.Allowed || d.RetryAfter != time.Second {
			t.Errorf("Take(burst) on the empty bucket = %+v, want refused, RetryAfter 1s", d)
		}
		b = NewTokenBucket(0.1, 1e9)
		d := b.Take(1)
		if got := d.ResetAfter; got < 10*time.Second-time.Microsecond || got > 10*time.Second+time.Microsecond {
			t.Errorf("Take(1) of 1e9 tokens at 0.1/s: ResetAfter = %v, want 10s", got)
		}
	})
}

// TestUntilClockEnd checks that until counts a time at the last nanosecond
// of the clock as beyond it, as a wait does (see bucket.reserve).
func TestUntilClockEnd(t *testing.T) {
	l := limits{perNs: 1, burst: 1 << 62}
	v := level{last: math.MaxInt64 - 1<<61}
	if d := v.until(v.last, 1<<61, &l); d != never {
		t.Errorf("until the clock's last nanosecond = %v, want never", d)
	}
}

// TestUntilEstimateShort checks until where its first estimate, from a
// division, falls a nanosecond short: at 1666.6666666666665 tokens a second, 1.2ms
// refill 1.9999999999999998 tokens, so 2 tokens take 1.2ms and 1ns. Near
// the end of the clock, that nanosecond is the clock's last one, which
// counts as beyond it.
func TestUntilEstimateShort(t *testing.T) {
	l := limits{perNs: 1666.6666666666665, burst: 2 * nano}
	var v level
	if d, want := v.until(0, 2*nano, &l), 1200*time.Microsecond+1; d != want {
		t.Errorf("until 2 tokens at 1666.67 a second = %v, want %v", d, want)
	}
	v.last = int64(time.Hour)
	if d, want := v.until(v.last, 2*nano, &l), 1200*time.Microsecond+1; d != want {
		t.Errorf("until 2 tokens at 1666.67 a second, an hour in = %v, want %v", d, want)
	}
	v.last = math.MaxInt64 - 1_200_001
	if d := v.until(v.last, 2*nano, &l); d != never {
		t.Errorf("until 2 tokens ending at the clock's last nanosecond = %v, want never", d)
	}
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1666.6666666666665, 2)
		b.AllowN(2)
		if d := b.Take(2); d.RetryAfter != 1200*time.Microsecond+1 {
			t.Errorf("Take(2) on an empty bucket at 1666.67 a second = %+v, want RetryAfter 1.2ms+1ns", d)
		}
	})
}

// TestUntilWithinClock checks that until finds times more than 2^62ns (146
// years) ahead that the clock still holds, as a wait would wait for them:
// only times beyond the clock are never.
func TestUntilWithinClock(t *testing.T) {
	l := limits{perNs: 1, burst: 1 << 63}
	var v level
	for _, d := range []time.Duration{1 << 62, 1<<62 + 1<<61} {
		// A float64 counts in steps of 512 or 1024 there: refilled reaches
		// d a few hundred nanoseconds early.
		got := v.until(0, float64(d), &l)
		if got < d-1024 || got > d || refill(1, int64(got)) < float64(d) || refill(1, int64(got)-1) >= float64(d) {
			t.Errorf("until %v at one unit a nanosecond = %v, want the least time that refills it, about %v", float64(d), got, d)
		}
		b := bucket{level: v, due: noDue, owed: noDue}
		if got, _, err := b.reserve(0, float64(d), &l, math.MaxInt64); err != nil || got != d {
			t.Errorf("reserve %v at one unit a nanosecond = %v, %v; want %v", float64(d), got, err, d)
		}
	}
}
