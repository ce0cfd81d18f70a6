package limit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool/limit"
)

// Many goroutines under the race detector: no grant ever leaves more
// permits in flight than the limit allows, and the tracker never sees more
// calls at once than the largest limit.
func TestAdaptiveNeverOverLimit(t *testing.T) {
	watchGrants(t)
	conctest.WithProcs(t, func(t *testing.T) {
		var a limit.Adaptive
		a.SetBounds(2, 8)
		a.SetQueueLimit(4)
		var in conctest.Tracker
		var wg sync.WaitGroup
		for g := range 32 {
			wg.Go(func() {
				for i := range 200 {
					var p limit.Permit
					var err error
					if (g+i)%3 == 0 {
						var ok bool
						if p, ok = a.TryAcquire(); !ok {
							continue
						}
					} else {
						ctx, stop := conctest.RandomCancel(context.Background(), 100)
						p, err = a.Acquire(ctx)
						stop()
						if err != nil {
							continue
						}
					}
					in.Do(func() { time.Sleep(time.Duration(i%3) * time.Microsecond) })
					switch i % 7 {
					case 0:
						p.Drop()
					case 1:
						p.Ignore()
					default:
						p.Done()
					}
				}
			})
		}
		wg.Wait()
		if in.Max() > 8 {
			t.Errorf("%d calls at once, the limit is at most 8", in.Max())
		}
		if st := a.Stats(); st.InFlight != 0 || st.Waiting != 0 {
			t.Errorf("Stats() = %+v at the end, want none in flight or waiting", st)
		}
	})
}
