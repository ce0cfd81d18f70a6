package pipeline_test

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pipeline"
)

// Tests of how Map and OrderedMap end when f or the input leaves its
// goroutine, or the input waits for data.

// TestMapGoexit: f calling runtime.Goexit, as t.FailNow does, ends the
// sequence with an error saying so, whatever the number of workers.
func TestMapGoexit(t *testing.T) {
	for name, mapf := range maps {
		for _, workers := range []int{1, 2} {
			conctest.Bubble(t, func(t *testing.T) {
				var last error
				for _, err := range mapf(context.Background(), slices.Values(ints(100)), workers,
					func(_ context.Context, v int) (int, error) {
						if v == 10 {
							runtime.Goexit()
						}
						return v, nil
					}) {
					last = err
				}
				if !errors.Is(last, pipeline.ErrGoexit) || !strings.Contains(last.Error(), "f called") {
					t.Errorf("%s(workers=%d): last error = %v, want ErrGoexit, about f", name, workers, last)
				}
			})
		}
	}
}

// TestOrderedMapGoexitAtOnce: f calling runtime.Goexit ends OrderedMap at
// once, without waiting for the results before it: the worker that exited
// may have been the one those results wait for.
func TestOrderedMapGoexitAtOnce(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var last error
		n := 0
		for _, err := range pipeline.OrderedMap(context.Background(), slices.Values(ints(100)), 2,
			func(ctx context.Context, v int) (int, error) {
				switch v {
				case 0:
					<-ctx.Done() // done only when the loop has ended
				case 1:
					runtime.Goexit()
				}
				return v, nil
			}) {
			last = err
			n++
		}
		if n != 1 || !errors.Is(last, pipeline.ErrGoexit) {
			t.Errorf("OrderedMap yielded %d pairs, the last with error %v; want one, ErrGoexit", n, last)
		}
	})
}

// TestMapInputGoexit: the input calling runtime.Goexit ends the sequence
// with an error saying so; it does not leave the loop waiting for the input.
func TestMapInputGoexit(t *testing.T) {
	for name, mapf := range maps {
		conctest.Bubble(t, func(t *testing.T) {
			in := func(yield func(int) bool) {
				if yield(1) {
					runtime.Goexit()
				}
			}
			var last error
			for _, err := range mapf(context.Background(), in, 2, okSquare) {
				last = err
			}
			if !errors.Is(last, pipeline.ErrGoexit) || !strings.Contains(last.Error(), "input sequence") {
				t.Errorf("%s: last error = %v, want ErrGoexit, about the input sequence", name, last)
			}
		})
	}
}

// waitingInput yields 0, then waits for the next item on next, or for ctx.
func waitingInput(ctx context.Context, next <-chan int) iter.Seq[int] {
	return func(yield func(int) bool) {
		if !yield(0) {
			return
		}
		for {
			select {
			case v := <-next:
				if !yield(v) {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}
}

// TestMapBreakWaitingInput: breaking out of the loop waits for an input that
// waits for data until it yields again, and f is not called on that item;
// cancelling ctx before the break ends the loop at once.
func TestMapBreakWaitingInput(t *testing.T) {
	for name, mapf := range maps {
		for _, cancelFirst := range []bool{false, true} {
			conctest.Bubble(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				next := make(chan int)
				var calls atomic.Int64
				ended := make(chan struct{})
				go func() {
					defer close(ended)
					for range mapf(ctx, waitingInput(ctx, next), 2,
						func(_ context.Context, v int) (int, error) {
							calls.Add(1)
							return v, nil
						}) {
						if cancelFirst {
							cancel()
						}
						break
					}
				}()
				synctest.Wait()
				select {
				case <-ended:
					if !cancelFirst {
						t.Fatalf("%s: the loop ended while the input waited for data", name)
					}
				default:
					if cancelFirst {
						t.Fatalf("%s: the loop did not end with ctx cancelled", name)
					}
					next <- 1 // the input yields again, and sees the loop has ended
					<-ended
				}
				if n := calls.Load(); n != 1 {
					t.Errorf("%s: f called %d times, want once", name, n)
				}
			})
		}
	}
}
