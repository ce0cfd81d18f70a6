package group_test

import (
	"context"
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

func TestResultsSkippedAfterDone(t *testing.T) {
	parent, cancel := context.WithCancelCause(context.Background())
	r, _ := group.WithResults[int](parent)
	cancel(errCause)
	r.Go(func() (int, error) { return 1, nil })
	if !r.TryGo(func() (int, error) { return 2, nil }) {
		t.Error("TryGo() on a done Results = false, want true (accepted, not started)")
	}
	got, err := r.Wait()
	if got != nil || err != errCause {
		t.Errorf("Wait() = %v, %v; want nil, %v", got, err, errCause)
	}
}

func TestResultsPanic(t *testing.T) {
	var r group.Results[int]
	r.Go(func() (int, error) { return 0, panicWithEOF() })
	mustPanicError(t, func() { r.Wait() })
}
