package limit_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool/limit"
)

func TestAdaptiveMisuse(t *testing.T) {
	var a limit.Adaptive
	conctest.Panics(t, "limit: min < 1", func() { a.SetBounds(0, 5) })
	conctest.Panics(t, "limit: max < min", func() { a.SetBounds(5, 4) })
	var nilCtx context.Context
	conctest.Panics(t, "limit: nil context", func() { _, _ = a.Acquire(nilCtx) })
}

func TestAdaptiveZeroValue(t *testing.T) {
	var a limit.Adaptive
	if got := a.Limit(); got != 20 {
		t.Errorf("Limit() = %d, want 20", got)
	}
	want := limit.AdaptiveStats{Limit: 20}
	if got := a.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

func TestAdaptiveBounds(t *testing.T) {
	var a limit.Adaptive
	a.SetBounds(30, 40) // before the first use: the start of 20 is clamped
	if got := a.Limit(); got != 30 {
		t.Errorf("Limit() = %d, want 30", got)
	}
	a.SetBounds(1, 5) // after it: clamped at once
	if got := a.Limit(); got != 5 {
		t.Errorf("Limit() = %d, want 5", got)
	}
	for range 5 {
		if _, ok := a.TryAcquire(); !ok {
			t.Fatal("TryAcquire under the limit = false")
		}
	}
	if _, ok := a.TryAcquire(); ok {
		t.Fatal("TryAcquire at the limit = true")
	}
	if st := a.Stats(); st.InFlight != 5 || st.Acquired != 5 || st.Rejected != 1 {
		t.Errorf("Stats() = %+v, want 5 in flight, 5 acquired, 1 rejected", st)
	}
}

// Raising the bounds lets waiters in at once.
func TestAdaptiveBoundsWakeWaiters(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var a limit.Adaptive
		a.SetBounds(1, 1)
		p, _ := a.TryAcquire()
		got := make(chan limit.Permit, 1)
		go func() {
			q, err := a.Acquire(context.Background())
			if err != nil {
				t.Error(err)
			}
			got <- q
		}()
		synctest.Wait()
		if st := a.Stats(); st.Waiting != 1 {
			t.Fatalf("Waiting = %d, want 1", st.Waiting)
		}
		if _, ok := a.TryAcquire(); ok {
			t.Error("TryAcquire with a waiter queued = true")
		}
		a.SetBounds(2, 2)
		q := <-got
		if st := a.Stats(); st.InFlight != 2 || st.Waiting != 0 {
			t.Errorf("Stats() = %+v, want 2 in flight, none waiting", st)
		}
		p.Ignore()
		q.Ignore()
	})
}

func TestAdaptiveQueueLimit(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var a limit.Adaptive
		a.SetBounds(1, 1)
		ctx := context.Background()
		p, _ := a.Acquire(ctx)
		a.SetQueueLimit(1)
		res := make(chan error, 1)
		go func() {
			q, err := a.Acquire(ctx)
			if err == nil {
				q.Done()
			}
			res <- err
		}()
		synctest.Wait()
		if _, err := a.Acquire(ctx); err != limit.ErrLimited {
			t.Errorf("Acquire beyond the queue limit = %v, want ErrLimited", err)
		}
		a.SetQueueLimit(-1) // unbounded again
		ctx2, cancel := context.WithCancelCause(ctx)
		res2 := make(chan error, 1)
		go func() { _, err := a.Acquire(ctx2); res2 <- err }()
		synctest.Wait()
		if st := a.Stats(); st.Waiting != 2 || st.Rejected != 1 {
			t.Errorf("Stats() = %+v, want 2 waiting, 1 rejected", st)
		}
		cancel(errStop)
		if err := <-res2; err != errStop {
			t.Errorf("Acquire = %v, want the cause %v", err, errStop)
		}
		p.Done()
		if err := <-res; err != nil {
			t.Errorf("the waiter got %v, want a permit", err)
		}
		if st := a.Stats(); st.InFlight != 0 || st.Waiting != 0 || st.Acquired != 2 || st.Rejected != 1 {
			t.Errorf("Stats() = %+v, want 2 acquired, 1 rejected, none in flight or waiting", st)
		}
	})
}

func TestAdaptiveDoneContext(t *testing.T) {
	var a limit.Adaptive
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errStop)
	if _, err := a.Acquire(ctx); err != errStop {
		t.Errorf("Acquire with a done ctx = %v, want %v", err, errStop)
	}
	if st := a.Stats(); st.Acquired != 0 || st.Rejected != 0 {
		t.Errorf("Stats() = %+v, want nothing counted", st)
	}
}

func TestAdaptiveFIFO(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var a limit.Adaptive
		a.SetBounds(1, 1)
		p, _ := a.TryAcquire()
		var order []int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				q, err := a.Acquire(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				time.Sleep(time.Millisecond)
				q.Done()
			})
			synctest.Wait()
		}
		p.Done()
		wg.Wait()
		for i, got := range order {
			if got != i {
				t.Fatalf("waiters served in order %v, want FIFO", order)
			}
		}
	})
}

// A grant that comes as ctx ends is given on: the waiter holds nothing and
// the slot goes to the next waiter.
func TestAdaptiveGrantRacesCancel(t *testing.T) {
	// On one P, the goroutine that cancels and releases runs on until it
	// blocks, so the waiter finds both its grant and ctx done, and picks
	// either: fifty runs take both ways.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for range 50 {
		conctest.Bubble(t, func(t *testing.T) {
			var a limit.Adaptive
			a.SetBounds(1, 1)
			p, _ := a.TryAcquire()
			ctx, cancel := context.WithCancelCause(context.Background())
			res := make(chan error, 1)
			go func() {
				q, err := a.Acquire(ctx)
				if err == nil {
					q.Ignore()
				}
				res <- err
			}()
			synctest.Wait()
			cancel(errStop)
			p.Ignore()
			<-res
			if st := a.Stats(); st.InFlight != 0 || st.Waiting != 0 {
				t.Fatalf("Stats() = %+v, want none in flight or waiting", st)
			}
		})
	}
}

func TestPermitZero(t *testing.T) {
	var p limit.Permit
	p.Done()
	p.Drop()
	p.Ignore()
}

// A second release of a permit, through any copy, panics and leaves the
// counts as they were, even once its slot has gone to another call.
func TestPermitReleasedTwice(t *testing.T) {
	var a limit.Adaptive
	p, _ := a.TryAcquire()
	copy := p
	p.Done()
	q, _ := a.TryAcquire() // reuses p's ticket
	for _, release := range []func(){copy.Done, copy.Drop, copy.Ignore, p.Done} {
		conctest.Panics(t, "limit: permit released twice", release)
	}
	if st := a.Stats(); st.InFlight != 1 || st.Dropped != 0 {
		t.Errorf("Stats() = %+v, want 1 in flight, none dropped", st)
	}
	q.Done()
}

// Drop shrinks the limit at once, by a factor of at most half; the drops of
// calls granted before that shrink do not shrink it again.
func TestPermitDrop(t *testing.T) {
	var a limit.Adaptive
	a.SetBounds(1, 100)
	var ps []limit.Permit
	for range 5 {
		p, _ := a.TryAcquire()
		ps = append(ps, p)
	}
	before := a.Limit()
	ps[0].Drop()
	after := a.Limit()
	if after >= before || after < before/2 {
		t.Fatalf("Limit() after a Drop = %d, from %d: want smaller, by at most half", after, before)
	}
	for _, p := range ps[1:] {
		p.Drop()
	}
	if got := a.Limit(); got != after {
		t.Errorf("Limit() = %d after drops of calls granted before the shrink, want %d", got, after)
	}
	for range 20 {
		p, _ := a.TryAcquire()
		p.Drop()
	}
	if got, st := a.Limit(), a.Stats(); got != 1 || st.Dropped != 25 {
		t.Errorf("Limit() = %d, Dropped = %d after 20 more drops, want 1 (the minimum) and 25", got, st.Dropped)
	}
	p, _ := a.TryAcquire()
	p.Ignore()
	if got := a.Limit(); got != 1 {
		t.Errorf("Limit() = %d after Ignore, want 1", got)
	}
}

// A limiter that has not held calls back does not probe: after calls one at
// a time, it grants its whole limit at once.
func TestAdaptiveNoProbeWhenIdle(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var a limit.Adaptive
		for range 1000 {
			p, _ := a.Acquire(context.Background())
			time.Sleep(time.Millisecond)
			p.Done()
		}
		n := 0
		for {
			p, ok := a.TryAcquire()
			if !ok {
				break
			}
			defer p.Ignore()
			n++
		}
		if got := a.Limit(); n != got {
			t.Errorf("%d permits granted at once, want the limit %d", n, got)
		}
	})
}
