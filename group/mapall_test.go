package group_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestMapAllEveryItem: every item runs, failures do not cancel the others,
// and values and errors line up with the items.
func TestMapAllEveryItem(t *testing.T) {
	const n = 10_000
	items := make([]int, n)
	for i := range items {
		items[i] = i
	}
	conctest.WithProcs(t, func(t *testing.T) {
		for _, limit := range []int{0, 1, 3} {
			var calls atomic.Int64
			values, errs := group.MapAll(context.Background(), items, limit, func(ctx context.Context, v int) (int, error) {
				calls.Add(1)
				if ctx.Err() != nil {
					t.Errorf("item %d: ctx done after other items failed", v)
				}
				if v%3 == 0 {
					return -v, fmt.Errorf("item %d", v)
				}
				return 2 * v, nil
			})
			if calls.Load() != n || len(values) != n || len(errs) != n {
				t.Fatalf("limit %d: %d calls, %d values, %d errors; want %d of each", limit, calls.Load(), len(values), len(errs), n)
			}
			for i := range n {
				wantV, wantErr := 2*i, ""
				if i%3 == 0 {
					wantV, wantErr = -i, fmt.Sprintf("item %d", i)
				}
				if values[i] != wantV || fmt.Sprint(errs[i]) != wantErr && !(wantErr == "" && errs[i] == nil) {
					t.Fatalf("limit %d: item %d = %d, %v; want %d, %q", limit, i, values[i], errs[i], wantV, wantErr)
				}
			}
		}
	})
}

func TestMapAllLimit(t *testing.T) {
	items := make([]int, 500)
	for _, limit := range []int{1, 2, 5} {
		var tr conctest.Tracker
		group.MapAll(context.Background(), items, limit, func(context.Context, int) (int, error) {
			tr.Do(runtime.Gosched)
			return 0, errA
		})
		if tr.Max() > limit {
			t.Errorf("limit %d: %d calls ran at once", limit, tr.Max())
		}
	}
}

func TestMapAllEmpty(t *testing.T) {
	values, errs := group.MapAll(context.Background(), []int{}, 0, func(context.Context, int) (int, error) {
		t.Error("f called on empty input")
		return 0, nil
	})
	if values == nil || len(values) != 0 || errs != nil {
		t.Errorf("MapAll([]) = %v, %v; want [], nil", values, errs)
	}
}

// TestMapAllNoErrors: when every call succeeds, errs is nil.
func TestMapAllNoErrors(t *testing.T) {
	items := make([]int, 5000)
	values, errs := group.MapAll(context.Background(), items, 0, func(_ context.Context, v int) (int, error) {
		return v + 1, nil
	})
	if errs != nil {
		t.Errorf("MapAll() errors = %d of them, want nil", len(errs))
	}
	for i, v := range values {
		if v != 1 {
			t.Fatalf("value %d = %d, want 1", i, v)
		}
	}
}

func TestMapAllParentDoneBefore(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errCause)
	values, errs := group.MapAll(ctx, []int{1, 2, 3}, 0, func(context.Context, int) (int, error) {
		t.Error("f called with ctx done")
		return 1, nil
	})
	for i := range 3 {
		if values[i] != 0 || errs[i] != errCause {
			t.Errorf("item %d = %d, %v; want 0, %v", i, values[i], errs[i], errCause)
		}
	}
}

// TestMapAllRandomCancel: each item either ran (its value is set, and its
// error is whatever f returned) or did not start and has the cause.
func TestMapAllRandomCancel(t *testing.T) {
	items := make([]int, 3000)
	for i := range items {
		items[i] = i
	}
	for range 200 {
		ctx, stop := conctest.RandomCancel(context.Background(), 200)
		ran := make([]bool, len(items))
		values, errs := group.MapAll(ctx, items, 3, func(_ context.Context, v int) (int, error) {
			ran[v] = true
			runtime.Gosched()
			if v%2 == 1 {
				return v + 1, errA
			}
			return v + 1, nil
		})
		stop()
		for i := range items {
			switch {
			case ran[i] && values[i] == i+1 && (errs[i] == errA) == (i%2 == 1):
			case !ran[i] && values[i] == 0 && errs[i] == conctest.ErrRandomCancel:
			default:
				t.Fatalf("item %d (ran %v) = %d, %v", i, ran[i], values[i], errs[i])
			}
		}
	}
}

func TestMapAllPanic(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var othersStarted, othersReturned atomic.Int64
		allStarted := make(chan struct{})
		items := []int{0, 1, 2, 3}
		perr := mustPanicError(t, func() {
			group.MapAll(context.Background(), items, len(items), func(ctx context.Context, v int) (int, error) {
				if v == 2 {
					<-allStarted
					return 0, panicWithEOF()
				}
				if othersStarted.Add(1) == 3 {
					close(allStarted)
				}
				<-ctx.Done()
				if _, ok := context.Cause(ctx).(*group.PanicError); !ok {
					t.Errorf("context.Cause(ctx) = %v, want the *PanicError", context.Cause(ctx))
				}
				time.Sleep(time.Second) // MapAll must wait for this
				othersReturned.Add(1)
				return v, nil
			})
		})
		if n := othersReturned.Load(); n != 3 {
			t.Errorf("MapAll re-panicked after %d of 3 other calls returned", n)
		}
		if !strings.Contains(string(perr.Stack), "panicWithEOF") {
			t.Errorf("Stack does not name the panicking function:\n%s", perr.Stack)
		}
	})
}

// TestMapAllGoexit: an item whose f calls runtime.Goexit gets ErrGoexit;
// every other item still runs, those of the same worker's range included.
func TestMapAllGoexit(t *testing.T) {
	items := make([]int, 1000)
	for i := range items {
		items[i] = i
	}
	for _, limit := range []int{1, 4} {
		values, errs := group.MapAll(context.Background(), items, limit, func(_ context.Context, v int) (int, error) {
			if v%100 == 7 {
				runtime.Goexit()
			}
			return v + 1, nil
		})
		for i := range items {
			if i%100 == 7 {
				if values[i] != 0 || errs[i] != group.ErrGoexit {
					t.Fatalf("limit %d: item %d = %d, %v; want 0, %v", limit, i, values[i], errs[i], group.ErrGoexit)
				}
			} else if values[i] != i+1 || errs[i] != nil {
				t.Fatalf("limit %d: item %d = %d, %v; want %d, nil", limit, i, values[i], errs[i], i+1)
			}
		}
	}
}

func TestMapAllNilFunctionPanics(t *testing.T) {
	conctest.Panics(t, "group: ", func() { group.MapAll[int, int](context.Background(), []int{1}, 0, nil) })
}

// TestMapAllErrorsAreFs: an error f returns after ctx is done stays what f
// returned; only items that did not start get the cause.
func TestMapAllErrorsAreFs(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	_, errs := group.MapAll(ctx, []int{0, 1, 2}, 1, func(fctx context.Context, v int) (int, error) {
		cancel(errCause)
		return 0, fctx.Err()
	})
	if !errors.Is(errs[0], context.Canceled) || errs[1] != errCause || errs[2] != errCause {
		t.Errorf("errors = %v, want [context.Canceled %v %v]", errs, errCause, errCause)
	}
}
