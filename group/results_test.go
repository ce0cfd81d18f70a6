package group_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestResultsGoOrder(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		// More tasks than one chunk of slots, finishing in random order.
		const n = 300
		r, _ := group.WithResults[int](context.Background())
		for i := range n {
			d := time.Duration(rand.IntN(1000)) * time.Millisecond
			r.Go(func() (int, error) { time.Sleep(d); return i * 10, nil })
		}
		got, err := r.Wait()
		if err != nil {
			t.Fatalf("Wait() = %v, want nil", err)
		}
		if len(got) != n {
			t.Fatalf("Wait() returned %d values, want %d", len(got), n)
		}
		for i, v := range got {
			if v != i*10 {
				t.Fatalf("value %d = %d, want %d", i, v, i*10)
			}
		}
	})
}

func TestResultsErrorReturnsNil(t *testing.T) {
	r, ctx := group.WithResults[string](context.Background())
	r.Go(func() (string, error) { return "ok", nil })
	r.Go(func() (string, error) { return "", errA })
	got, err := r.Wait()
	if got != nil || err != errA {
		t.Errorf("Wait() = %v, %v; want nil, %v", got, err, errA)
	}
	if cause := context.Cause(ctx); cause != errA {
		t.Errorf("context.Cause(ctx) = %v, want %v", cause, errA)
	}
}

func TestResultsZeroValue(t *testing.T) {
	var r group.Results[int]
	r.Go(func() (int, error) { return 1, nil })
	if !r.TryGo(func() (int, error) { return 2, nil }) {
		t.Fatal("TryGo() with no limit = false, want true")
	}
	got, err := r.Wait()
	if err != nil || !slices.Equal(got, []int{1, 2}) {
		t.Errorf("Wait() = %v, %v; want [1 2], nil", got, err)
	}
}

func TestResultsEmpty(t *testing.T) {
	var r group.Results[int]
	got, err := r.Wait()
	if err != nil || len(got) != 0 {
		t.Errorf("Wait() = %v, %v; want [], nil", got, err)
	}
}

func TestResultsLimit(t *testing.T) {
	var tr conctest.Tracker
	var r group.Results[int]
	r.SetLimit(2)
	release := make(chan struct{})
	r.Go(func() (int, error) { <-release; return 0, nil })
	r.Go(func() (int, error) { <-release; return 1, nil })
	if r.TryGo(func() (int, error) { return 2, nil }) {
		t.Error("TryGo() at the limit = true, want false")
	}
	close(release)
	for i := range 100 {
		r.Go(func() (int, error) { tr.Do(runtime.Gosched); return i + 2, nil })
	}
	got, err := r.Wait()
	if err != nil || len(got) != 102 || got[101] != 101 {
		t.Errorf("Wait() = %d values, %v; want 102 values, nil", len(got), err)
	}
	if tr.Max() > 2 {
		t.Errorf("SetLimit(2): %d tasks ran at once", tr.Max())
	}
}

func TestResultsRunAfterDone(t *testing.T) {
	parent, cancel := context.WithCancelCause(context.Background())
	r, _ := group.WithResults[int](parent)
	cancel(errCause)
	r.Go(func() (int, error) { return 1, nil })
	if !r.TryGo(func() (int, error) { return 2, nil }) {
		t.Error("TryGo() without a limit = false, want true")
	}
	got, err := r.Wait()
	if err != nil || !slices.Equal(got, []int{1, 2}) {
		t.Errorf("Wait() = %v, %v; want [1 2], nil: every f ran and succeeded", got, err)
	}
}

// TestResultsTryGoRefusedLeavesNoGap: a refused TryGo takes no slot, so the
// values are those of the accepted functions, in order.
func TestResultsTryGoRefusedLeavesNoGap(t *testing.T) {
	var r group.Results[int]
	r.SetLimit(1)
	var want []int
	for i := range 200 {
		if r.TryGo(func() (int, error) { return i, nil }) {
			want = append(want, i)
		}
	}
	got, err := r.Wait()
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Wait() = %v, %v; want %v, nil", got, err, want)
	}
}

func TestResultsJoinErrors(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		// Function i finishes after function i+1, and the odd ones fail.
		const n = 100
		r, ctx := group.WithResults[int](context.Background())
		r.JoinErrors()
		errs := make([]error, n)
		for i := range n {
			if i%2 == 1 {
				errs[i] = fmt.Errorf("error %d", i)
			}
			r.Go(func() (int, error) {
				time.Sleep(time.Duration(n-i) * time.Millisecond)
				return i, errs[i]
			})
		}
		got, err := r.Wait()
		if got != nil {
			t.Errorf("Wait() values = %v, want nil on error", got)
		}
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok {
			t.Fatalf("Wait() error = %v, want errors.Join of every error", err)
		}
		var want []error
		for _, e := range errs {
			if e != nil {
				want = append(want, e)
			}
		}
		if !slices.Equal(joined.Unwrap(), want) {
			t.Errorf("Wait() joined %v, want %v in Go order", joined.Unwrap(), want)
		}
		if cause := context.Cause(ctx); cause != errs[n-1] {
			t.Errorf("context.Cause(ctx) = %v, want the first error to happen, %v", cause, errs[n-1])
		}
	})
}

func TestResultsJoinErrorsNone(t *testing.T) {
	var r group.Results[string]
	r.JoinErrors()
	r.Go(func() (string, error) { return "a", nil })
	got, err := r.Wait()
	if err != nil || !slices.Equal(got, []string{"a"}) {
		t.Errorf("Wait() = %v, %v; want [a], nil", got, err)
	}
}

func TestResultsConcurrentWait(t *testing.T) {
	for _, panicking := range []bool{false, true} {
		var r group.Results[int]
		release := make(chan struct{})
		for i := range 3 {
			r.Go(func() (int, error) {
				<-release
				switch {
				case i == 0 && panicking:
					panic(errB)
				case i == 1:
					return 0, errA
				}
				return i, nil
			})
		}
		checkConcurrentWaits(t, func() error { _, err := r.Wait(); return err }, release, panicking)
	}
}

func TestResultsPanic(t *testing.T) {
	var r group.Results[int]
	r.Go(func() (int, error) { return 0, panicWithEOF() })
	mustPanicError(t, func() { r.Wait() })
}
