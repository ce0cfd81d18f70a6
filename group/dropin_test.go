package group_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestEveryFunctionRuns: every f passed to Go is called exactly once, also
// those passed after the first failure or while a Go waits for the limit,
// and Wait returns the first error.
func TestEveryFunctionRuns(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		for _, limit := range []int{-1, 1, 4} {
			for run := range 200 {
				g, ctx := group.WithContext(context.Background())
				g.SetLimit(limit)
				const n = 10
				var calls [n]atomic.Int32
				for i := range n {
					g.Go(func() error {
						calls[i].Add(1)
						if i == 0 {
							return errA
						}
						return ctx.Err()
					})
				}
				err := g.Wait()
				if err != errA && !errors.Is(err, context.Canceled) {
					t.Fatalf("limit %d, run %d: Wait() = %v, want %v or context.Canceled", limit, run, err, errA)
				}
				for i := range n {
					if c := calls[i].Load(); c != 1 {
						t.Fatalf("limit %d, run %d: f %d called %d times, want 1", limit, run, i, c)
					}
				}
			}
		}
	})
}

// TestGoAfterFailureRuns: Go and TryGo on a group whose context is done
// still call f, and Wait returns the first error.
func TestGoAfterFailureRuns(t *testing.T) {
	g, ctx := group.WithContext(context.Background())
	g.Go(func() error { return errA })
	<-ctx.Done()
	var ran atomic.Int32
	g.Go(func() error { ran.Add(1); return nil })
	if !g.TryGo(func() error { ran.Add(1); return nil }) {
		t.Error("TryGo() without a limit = false, want true")
	}
	if err := g.Wait(); err != errA {
		t.Errorf("Wait() = %v, want %v", err, errA)
	}
	if n := ran.Load(); n != 2 {
		t.Errorf("%d of 2 functions passed after the failure ran", n)
	}
}

// TestParentDoneIsNotAnError: when every f succeeded, Wait returns nil even
// though the parent context was cancelled, before or during the work.
func TestParentDoneIsNotAnError(t *testing.T) {
	for _, early := range []bool{true, false} {
		parent, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		g, ctx := group.WithContext(parent)
		g.SetLimit(1)
		if early {
			cancel(errCause)
		}
		var ran atomic.Int32
		for range 3 {
			g.Go(func() error { ran.Add(1); cancel(errCause); return nil })
		}
		if err := g.Wait(); err != nil {
			t.Errorf("early %v: Wait() = %v, want nil: every f succeeded", early, err)
		}
		if n := ran.Load(); n != 3 {
			t.Errorf("early %v: %d of 3 functions ran", early, n)
		}
		if got := context.Cause(ctx); got != errCause {
			t.Errorf("early %v: context.Cause(ctx) = %v, want %v", early, got, errCause)
		}
	}
}

// TestGoAtLimitWaitsAfterDone: a Go at the limit waits for a slot even when
// the context ends, and then runs its f, as errgroup does.
func TestGoAtLimitWaitsAfterDone(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		parent, cancel := context.WithCancelCause(context.Background())
		g, _ := group.WithContext(parent)
		g.SetLimit(1)
		g.Go(func() error { time.Sleep(10 * time.Second); return nil })
		time.AfterFunc(time.Second, func() { cancel(errCause) })
		start := time.Now()
		var ran atomic.Bool
		g.Go(func() error { ran.Store(true); return nil })
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("Go returned after %v, want 10s, when the slot was free", d)
		}
		if err := g.Wait(); err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
		if !ran.Load() {
			t.Error("f of a Go that waited past the end of the context did not run")
		}
	})
}

// TestTryGoRefusedNeverRuns: f is called exactly when TryGo returns true.
func TestTryGoRefusedNeverRuns(t *testing.T) {
	for range 100 {
		g, _ := group.WithContext(context.Background())
		g.SetLimit(2)
		var accepted, ran atomic.Int32
		for range 50 {
			if g.TryGo(func() error { ran.Add(1); return errA }) {
				accepted.Add(1)
			}
		}
		g.Wait()
		if a, r := accepted.Load(), ran.Load(); a != r || a == 0 {
			t.Fatalf("TryGo accepted %d functions and %d ran, want the same, at least 1", a, r)
		}
	}
}

// TestConcurrentWait: several goroutines may wait at once; each gets the
// first error, or each re-panics with the first *PanicError.
func TestConcurrentWait(t *testing.T) {
	for _, panicking := range []bool{false, true} {
		t.Run(fmt.Sprintf("panic=%v", panicking), func(t *testing.T) {
			for range 50 {
				g, _ := group.WithContext(context.Background())
				release := make(chan struct{})
				for i := range 4 {
					g.Go(func() error {
						<-release
						if i == 1 && panicking {
							panic(errB)
						}
						if i == 2 {
							return errA
						}
						return nil
					})
				}
				checkConcurrentWaits(t, g.Wait, release, panicking)
			}
		})
	}
}

// checkConcurrentWaits calls wait from four goroutines at once, closes
// release, and checks that each returned errA, or panicked with a
// *PanicError for errB when panicking is set.
func checkConcurrentWaits(t *testing.T, wait func() error, release chan struct{}, panicking bool) {
	t.Helper()
	const waiters = 4
	var wg sync.WaitGroup
	results := make([]any, waiters)
	for w := range waiters {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					results[w] = v
				}
			}()
			results[w] = wait()
		})
	}
	close(release)
	wg.Wait()
	for w, v := range results {
		if !panicking {
			if v != errA {
				t.Fatalf("Wait %d = %v, want %v", w, v, errA)
			}
			continue
		}
		perr, ok := v.(*group.PanicError)
		if !ok || perr.Value != errB {
			t.Fatalf("Wait %d gave %v, want a re-panic with *PanicError for %v", w, v, errB)
		}
	}
}

// TestPanicCancelsAtOnce: the context is cancelled with the *PanicError as
// its cause while the other functions still run, and Wait re-panics only
// after they have returned.
func TestPanicCancelsAtOnce(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		g, ctx := group.WithContext(context.Background())
		g.SetLimit(2)
		var cause error
		var laterRan atomic.Bool
		g.Go(func() error {
			<-ctx.Done()
			cause = context.Cause(ctx)
			time.Sleep(time.Second)
			return nil
		})
		g.Go(panicWithEOF)
		// At the limit: runs once a slot is free, after the panic.
		g.Go(func() error { laterRan.Store(true); return nil })
		start := time.Now()
		perr := mustPanicError(t, func() { g.Wait() })
		if cause != perr {
			t.Errorf("context.Cause(ctx) = %v, want the *PanicError", cause)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("Wait re-panicked after %v, want 1s, when the sibling returned", d)
		}
		if !laterRan.Load() {
			t.Error("f of a Go waiting for the limit did not run after the panic")
		}
		synctest.Wait()
	})
}

// TestSetLimitMessage: the misuse panic names the package.
func TestSetLimitMessage(t *testing.T) {
	var r group.Results[int]
	r.SetLimit(1)
	release := make(chan struct{})
	r.Go(func() (int, error) { <-release; return 0, nil })
	v := conctest.Panics(t, "group: modify limit while 1 goroutines", func() { r.SetLimit(2) })
	if _, ok := v.(error); !ok {
		t.Errorf("SetLimit panicked with %T, want an error as errgroup's", v)
	}
	close(release)
	r.Wait()
}
