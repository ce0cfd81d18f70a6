package group_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestMapParentCauseOverCtxErr: when the caller's ctx is done, Map and
// ForEach return its cause, also where f returned ctx.Err() or another
// error after the cancellation, and whatever the timing.
func TestMapParentCauseOverCtxErr(t *testing.T) {
	items := make([]int, 64)
	for i := range items {
		items[i] = i
	}
	for _, ret := range []func(ctx context.Context) error{
		func(ctx context.Context) error { return ctx.Err() },
		func(context.Context) error { return errA },
	} {
		for run := range 200 {
			ctx, cancel := context.WithCancelCause(context.Background())
			f := func(fctx context.Context, v int) (int, error) {
				if v == run%len(items) {
					cancel(errCause)
				}
				if ctx.Err() != nil {
					return 0, ret(fctx)
				}
				runtime.Gosched()
				return v, nil
			}
			got, err := group.Map(ctx, items, 4, f)
			if got != nil || err != errCause {
				t.Fatalf("run %d: Map() = %d values, %v; want nil, %v", run, len(got), err, errCause)
			}
			ctx, cancel = context.WithCancelCause(context.Background())
			err = group.ForEach(ctx, items, 4, func(fctx context.Context, v int) error {
				_, err := f(fctx, v)
				return err
			})
			if err != errCause {
				t.Fatalf("run %d: ForEach() = %v, want %v", run, err, errCause)
			}
			cancel(nil)
		}
	}
}

// TestMapErrorBeforeParentDone: an error recorded while the caller's ctx
// is live is the result, even if ctx ends right after.
func TestMapErrorBeforeParentDone(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	err := group.ForEach(ctx, []int{0, 1}, 2, func(fctx context.Context, v int) error {
		if v == 0 {
			return errA
		}
		<-fctx.Done()
		cancel(errCause)
		return fctx.Err()
	})
	if err != errA {
		t.Errorf("ForEach() = %v, want %v", err, errA)
	}
}

func TestMapNilContextPanics(t *testing.T) {
	var nilCtx context.Context
	f := func(context.Context, int) (int, error) { return 0, nil }
	for _, items := range [][]int{nil, {1}} {
		conctest.Panics(t, "group: nil context", func() { group.Map(nilCtx, items, 0, f) })
		conctest.Panics(t, "group: nil context", func() {
			group.ForEach(nilCtx, items, 0, func(context.Context, int) error { return nil })
		})
		conctest.Panics(t, "group: nil context", func() { group.MapAll(nilCtx, items, 0, f) })
	}
}
