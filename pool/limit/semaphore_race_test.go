package limit_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool/limit"
)

// A grant that comes as ctx ends is given back: the waiter returns the cause
// and holds nothing, whichever of the two it sees first.
func TestSemaphoreGrantRacesCancel(t *testing.T) {
	// On one P, the goroutine that cancels and releases runs on until it
	// blocks, so the waiter finds both its grant and ctx done, and picks
	// either: fifty runs take both ways.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for range 50 {
		conctest.Bubble(t, func(t *testing.T) {
			s := limit.NewSemaphore(1)
			s.TryAcquire(1)
			ctx, cancel := context.WithCancelCause(context.Background())
			ch := waiting(t, s, ctx, 1)
			cancel(errStop)
			s.Release(1)
			err := <-ch
			if err != errStop {
				t.Fatalf("Acquire = %v, want %v", err, errStop)
			}
			if got := s.InUse(); got != 0 {
				t.Fatalf("InUse() = %d after a waiter gave up, want 0", got)
			}
		})
	}
}

// Many goroutines with random weights, cancellations and resizes: the units
// held never pass Size, and all come back.
func TestSemaphoreStress(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		const size = 10
		s := limit.NewSemaphore(size)
		var held conctest.Tracker
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(g), 2))
				for range 300 {
					n := r.Int64N(4)
					ctx, stop := conctest.RandomCancel(context.Background(), 50)
					if s.Acquire(ctx, n) == nil {
						for range n {
							held.Enter()
						}
						for range n {
							held.Leave()
						}
						s.Release(n)
					}
					stop()
					if r.IntN(10) == 0 && s.TryAcquire(1) {
						s.Release(1)
					}
				}
			})
		}
		wg.Wait()
		if held.Max() > size {
			t.Errorf("%d units held at once, size %d", held.Max(), size)
		}
		if got := s.InUse(); got != 0 {
			t.Errorf("InUse() = %d at the end, want 0", got)
		}
	})
}
