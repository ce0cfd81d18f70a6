package pipeline_test

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pipeline"
)

func okSquare(_ context.Context, n int) (int, error) { return n * n, nil }

type mapFunc = func(context.Context, iter.Seq[int], int, func(context.Context, int) (int, error)) iter.Seq2[int, error]

var maps = map[string]mapFunc{
	"Map":        pipeline.Map[int, int],
	"OrderedMap": pipeline.OrderedMap[int, int],
}

// jitter yields the processor a random number of times, so that items
// finish out of order.
func jitter() {
	for range rand.IntN(3) {
		runtime.Gosched()
	}
}

func TestMapEveryItemOnce(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		const n = 100_000
		seen := make([]int, n)
		for v, err := range pipeline.Map(context.Background(), slices.Values(ints(n)), 0,
			func(_ context.Context, v int) (int, error) {
				if v%1000 == 0 {
					jitter()
				}
				return v, nil
			}) {
			if err != nil {
				t.Fatalf("Map yielded error %v", err)
			}
			seen[v]++
		}
		for v, c := range seen {
			if c != 1 {
				t.Fatalf("item %d yielded %d times, want once", v, c)
			}
		}
	})
}

func TestOrderedMapKeepsOrder(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		const n = 100_000
		i := 0
		for v, err := range pipeline.OrderedMap(context.Background(), slices.Values(ints(n)), 8,
			func(_ context.Context, v int) (int, error) {
				if v%100 == 0 {
					jitter()
				}
				return -v, nil
			}) {
			if err != nil || v != -i {
				t.Fatalf("OrderedMap result %d = %d, %v; want %d, nil", i, v, err, -i)
			}
			i++
		}
		if i != n {
			t.Errorf("OrderedMap yielded %d results, want %d", i, n)
		}
	})
}

func TestOrderedMapRandomDelays(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		const n = 2000
		i := 0
		for v, err := range pipeline.OrderedMap(context.Background(), slices.Values(ints(n)), 16,
			func(_ context.Context, v int) (int, error) {
				time.Sleep(time.Duration(rand.IntN(1000)) * time.Microsecond)
				return v, nil
			}) {
			if err != nil || v != i {
				t.Fatalf("OrderedMap result %d = %d, %v; want %d, nil", i, v, err, i)
			}
			i++
		}
		if i != n {
			t.Errorf("OrderedMap yielded %d results, want %d", i, n)
		}
	})
}

func TestMapWorkerLimit(t *testing.T) {
	for name, mapf := range maps {
		for _, workers := range []int{-1, 0, 1, 3, 32} { // 32: more than the 16 chunks of the smallest window
			conctest.Bubble(t, func(t *testing.T) {
				var tr conctest.Tracker
				for _, err := range mapf(context.Background(), slices.Values(ints(100)), workers,
					func(_ context.Context, v int) (int, error) {
						tr.Do(func() { time.Sleep(time.Second) })
						return v, nil
					}) {
					if err != nil {
						t.Fatal(err)
					}
				}
				want := workers
				if workers <= 0 {
					want = runtime.GOMAXPROCS(0)
				}
				if got := tr.Max(); got != want {
					t.Errorf("%s(workers=%d): %d calls of f at once, want %d", name, workers, got, want)
				}
			})
		}
	}
}

// TestMapBreak breaks out of the loop early: when the loop statement ends,
// no call of f is running and none starts later; the input has stopped.
func TestMapBreak(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				var tr conctest.Tracker
				var calls atomic.Int64
				inDone := false
				in := func(yield func(int) bool) {
					defer func() { inDone = true }()
					for i := 0; ; i++ {
						if !yield(i) {
							return
						}
					}
				}
				got := 0
				for _, err := range mapf(context.Background(), in, 4,
					func(_ context.Context, v int) (int, error) {
						calls.Add(1)
						tr.Do(func() { time.Sleep(time.Duration(v%7) * time.Millisecond) })
						return v, nil
					}) {
					if err != nil {
						t.Fatal(err)
					}
					if got++; got == 50 {
						break
					}
				}
				if n := tr.Now(); n != 0 {
					t.Errorf("%d calls of f still running after the loop", n)
				}
				if !inDone {
					t.Error("input sequence still running after the loop")
				}
				after := calls.Load()
				time.Sleep(time.Hour)
				synctest.Wait()
				if n := calls.Load(); n != after {
					t.Errorf("f called %d times after the loop ended", n-after)
				}
			})
		})
	}
}

var errBoom = errors.New("boom")

func TestMapFirstErrorEnds(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			var vals []int
			var errs []error
			for v, err := range mapf(context.Background(), slices.Values(ints(10_000)), 4,
				func(_ context.Context, v int) (int, error) {
					if v == 5000 || v == 7000 {
						return 0, errBoom
					}
					return v, nil
				}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if len(errs) > 0 {
					t.Fatalf("value %d yielded after the error", v)
				}
				vals = append(vals, v)
			}
			if len(errs) != 1 || !errors.Is(errs[0], errBoom) {
				t.Fatalf("errors = %v, want one %v", errs, errBoom)
			}
			if name == "OrderedMap" && !slices.Equal(vals, ints(5000)) {
				t.Errorf("OrderedMap yielded %d values before the error, want items 0..4999 in order", len(vals))
			}
		})
	}
}

func mapPanicker(_ context.Context, v int) (int, error) {
	if v == 77 {
		panic("map boom")
	}
	return v, nil
}

func TestMapPanic(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			var errs []error
			for _, err := range mapf(context.Background(), slices.Values(ints(1000)), 3, mapPanicker) {
				if err != nil {
					errs = append(errs, err)
				}
			}
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want one *PanicError", errs)
			}
			var perr *pipeline.PanicError
			if !errors.As(errs[0], &perr) {
				t.Fatalf("error = %v, want *PanicError", errs[0])
			}
			if perr.Value != "map boom" || !strings.Contains(string(perr.Stack), "mapPanicker") {
				t.Errorf("PanicError = %v, want value %q and a stack naming mapPanicker", perr, "map boom")
			}
		})
	}
}

func TestMapInputPanic(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			in := func(yield func(int) bool) {
				yield(1)
				panic("input boom")
			}
			var last error
			for _, err := range mapf(context.Background(), in, 2, okSquare) {
				last = err
			}
			var perr *pipeline.PanicError
			if !errors.As(last, &perr) || perr.Value != "input boom" {
				t.Errorf("last error = %v, want *PanicError of %q", last, "input boom")
			}
		})
	}
}

func TestMapCancel(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			cause := errors.New("enough")
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			var errs []error
			n := 0
			for _, err := range mapf(ctx, slices.Values(ints(100_000)), 2,
				func(ctx context.Context, v int) (int, error) { return v, ctx.Err() }) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if n++; n == 10 {
					cancel(cause)
				}
			}
			if len(errs) != 1 || !errors.Is(errs[0], cause) {
				t.Errorf("errors = %v, want one %v", errs, cause)
			}
		})
	}
}

// TestMapCancelBusyWorkers: ctx being done ends the sequence at once, even
// while every worker is in an f that does not watch its context.
func TestMapCancelBusyWorkers(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				release := make(chan struct{})
				time.AfterFunc(time.Second, cancel)
				var errs []error
				for _, err := range mapf(ctx, slices.Values(ints(4)), 2,
					func(_ context.Context, v int) (int, error) {
						<-release
						return v, nil
					}) {
					errs = append(errs, err)
					close(release) // the loop goes on only if ctx ended it
				}
				if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
					t.Errorf("pairs with errors %v, want one with %v", errs, context.Canceled)
				}
			})
		})
	}
}

// TestMapSlowStream feeds one item at a time and waits for its result
// before the next: an item must not wait for a chunk to fill.
func TestMapSlowStream(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				got := make(chan int)
				in := func(yield func(int) bool) {
					for i := range 200 {
						if !yield(i) || <-got != i {
							return
						}
					}
				}
				n := 0
				for v, err := range mapf(context.Background(), in, 4, okSquare) {
					if err != nil || v != n*n {
						t.Fatalf("result %d = %d, %v; want %d", n, v, err, n*n)
					}
					got <- n
					n++
				}
				if n != 200 {
					t.Errorf("got %d results, want 200", n)
				}
			})
		})
	}
}

// TestMapNoHeadOfLine: one slow item does not hold back the others.
func TestMapNoHeadOfLine(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		release := make(chan struct{})
		n := 0
		for v, err := range pipeline.Map(context.Background(), slices.Values(ints(1000)), 2,
			func(_ context.Context, v int) (int, error) {
				if v == 0 {
					<-release
				}
				return v, nil
			}) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 999 {
				if v == 0 {
					t.Fatal("the slow item came before the others")
				}
				close(release)
			}
		}
	})
}

// TestMapRandomCancel ends the loop at random points by cancelling ctx.
func TestMapRandomCancel(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			for range 200 {
				ctx, stop := conctest.RandomCancel(context.Background(), 200)
				var last error
				n := 0
				for _, err := range mapf(ctx, slices.Values(ints(10_000)), 3,
					func(ctx context.Context, v int) (int, error) {
						if v%100 == 0 {
							runtime.Gosched()
						}
						return v, nil
					}) {
					last = err
					n++
				}
				if last != nil && !errors.Is(last, conctest.ErrRandomCancel) {
					t.Fatalf("last error = %v, want nil or %v", last, conctest.ErrRandomCancel)
				}
				if last == nil && n != 10_000 {
					t.Fatalf("no error after %d of 10000 results", n)
				}
				stop()
			}
			conctest.VerifyNone(t)
		})
	}
}

// TestMapBodyPanics: a panic in the loop body still stops every goroutine.
func TestMapBodyPanics(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			v := conctest.Panics(t, "body", func() {
				for range mapf(context.Background(), slices.Values(ints(10_000)), 2, okSquare) {
					panic("body boom")
				}
			})
			if v != "body boom" {
				t.Errorf("panic = %v, want %q", v, "body boom")
			}
			conctest.VerifyNone(t)
		})
	}
}

// TestMapRangeTwice: each range loop runs the work anew.
func TestMapRangeTwice(t *testing.T) {
	for name, mapf := range maps {
		t.Run(name, func(t *testing.T) {
			seq := mapf(context.Background(), slices.Values(ints(1000)), 2, okSquare)
			for run := range 2 {
				n := 0
				for _, err := range seq {
					if err != nil {
						t.Fatal(err)
					}
					n++
				}
				if n != 1000 {
					t.Errorf("run %d: %d results, want 1000", run, n)
				}
			}
		})
	}
}

// TestMapPanicNil: with GODEBUG=panicnil=1, recover returns nil for
// panic(nil) in f; the sequence still ends with a *PanicError rather than
// drop the item or take it for runtime.Goexit.
func TestMapPanicNil(t *testing.T) {
	if !conctest.Child(t, "GODEBUG=panicnil=1") {
		return
	}
	for name, mapf := range maps {
		f := func(_ context.Context, v int) (int, error) {
			if v == 7 {
				panic(nil)
			}
			return v, nil
		}
		var errs []error
		n := 0
		for _, err := range mapf(context.Background(), slices.Values(ints(10)), 2, f) {
			if err != nil {
				errs = append(errs, err)
			} else {
				n++
			}
		}
		var perr *pipeline.PanicError
		if len(errs) != 1 || !errors.As(errs[0], &perr) || perr.Value != nil {
			t.Errorf("%s: errors = %v, want one *PanicError with a nil Value", name, errs)
		}
		if n > 9 {
			t.Errorf("%s: %d results, want at most 9", name, n)
		}
	}
}
