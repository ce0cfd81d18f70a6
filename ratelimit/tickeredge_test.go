package ratelimit

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestTickerLastTickOfTheClock checks the last tick a Ticker hands out: the
// one whose successor would fall exactly at the end of its clock. With an
// interval of (2^63-1)/7, ticks 0 to 5 leave the grid at 6 intervals, and
// the seventh tick, at 7 intervals, would end the clock: Allow gives tick 6
// and then no more, and so does Wait.
func TestTickerLastTickOfTheClock(t *testing.T) {
	const interval = time.Duration(math.MaxInt64 / 7)
	for _, wait := range []bool{false, true} {
		conctest.Bubble(t, func(t *testing.T) {
			tk := NewTicker(interval)
			take := tk.Allow
			if wait {
				take = func() bool { return tk.Wait(context.Background()) == nil }
			}
			for i := range 7 {
				if !take() {
					t.Fatalf("wait %v: tick %d refused, want it taken", wait, i)
				}
				if i < 6 {
					time.Sleep(interval)
				}
			}
			if tk.Allow() {
				t.Errorf("wait %v: Allow() after the last tick = true, want false", wait)
			}
			if err := tk.Wait(context.Background()); !errors.Is(err, ErrNeverAllowed) {
				t.Errorf("wait %v: Wait() after the last tick = %v, want ErrNeverAllowed", wait, err)
			}
		})
	}
}

// TestTickerDueTicksAtTheirTime checks the boundaries of a reservation: All's
// Allow takes a tick due exactly now, and a Wait takes a tick due exactly
// at the last nanosecond before ctx's deadline.
func TestTickerDueTicksAtTheirTime(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Second)
		a := All(tk)
		if !a.Allow() {
			t.Error("All(Ticker).Allow() on the first tick = false, want true")
		}
		time.Sleep(time.Second)
		if !a.Allow() {
			t.Error("All(Ticker).Allow() on a tick due exactly now = false, want true")
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second+1)
		defer cancel()
		start := time.Now()
		if err := tk.Wait(ctx); err != nil || time.Since(start) != time.Second {
			t.Errorf("Wait() for a tick 1ns before the deadline = %v after %v, want nil after 1s", err, time.Since(start))
		}
	})
}
