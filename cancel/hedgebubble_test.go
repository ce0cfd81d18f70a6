package cancel_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/cancel"
)

// TestHedgerAcrossBubbles checks that one Hedger serves calls on the real
// clock and in a synctest bubble alike: no timer of one call is kept for a
// later call, where it would run on the clock it was made with.
func TestHedgerAcrossBubbles(t *testing.T) {
	h := &cancel.Hedger{Delay: time.Millisecond}
	var n atomic.Int64
	f := func(ctx context.Context) (int, error) {
		if n.Add(1)%2 == 1 {
			select {
			case <-time.After(5 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		return 1, nil
	}
	for range 3 {
		n.Store(0)
		cancel.Hedge(context.Background(), h, f)
	}
	synctest.Test(t, func(t *testing.T) {
		for range 3 {
			n.Store(0)
			start := time.Now()
			cancel.Hedge(context.Background(), h, f)
			if d := time.Since(start); d != time.Millisecond {
				t.Errorf("in bubble: Hedge took %v, want 1ms", d)
			}
		}
	})
	for range 3 {
		n.Store(0)
		cancel.Hedge(context.Background(), h, f)
	}
}
