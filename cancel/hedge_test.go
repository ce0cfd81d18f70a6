package cancel

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// sleepy returns a function that returns v, err after d, or its context's
// error when that ends first.
func sleepy(d time.Duration, v int, err error) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		select {
		case <-time.After(d):
			return v, err
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

func TestHedgeSlowFirstBeaten(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		h := &Hedger{Delay: 10 * time.Millisecond}
		var n atomic.Int32
		f := func(ctx context.Context) (int, error) {
			if n.Add(1) == 1 {
				return sleepy(time.Second, 1, nil)(ctx)
			}
			return sleepy(5*time.Millisecond, 2, nil)(ctx)
		}
		start := time.Now()
		v, err := Hedge(t.Context(), h, f)
		if v != 2 || err != nil {
			t.Errorf("Hedge() = %v, %v, want 2, nil", v, err)
		}
		if got := time.Since(start); got != 15*time.Millisecond {
			t.Errorf("Hedge took %v, want 15ms", got)
		}
		if s := h.Stats(); s != (HedgeStats{Calls: 1, Hedges: 1, Won: 1, Delay: 10 * time.Millisecond}) {
			t.Errorf("Stats() = %+v", s)
		}
		_ = errors.New
	})
}
