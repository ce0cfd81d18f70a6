package pool_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/pool"
)

// The tests here count the workers of a quiescent pool: in a bubble,
// synctest.Wait returns once every worker runs a value that blocks, sleeps,
// or has exited, so the counts are exact.

// gatedPool returns a pool of size whose work blocks until the gate of its
// value is closed.
func gatedPool(size int) (*pool.Pool[chan struct{}], func() chan struct{}) {
	p := pool.New(size, func(gate chan struct{}) { <-gate })
	return p, func() chan struct{} { return make(chan struct{}) }
}

// TestOneValueOneWorker: a value alone in the queue starts one worker, not
// one more to look for values that are not there.
func TestOneValueOneWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, gate := gatedPool(4)
		g := gate()
		p.Submit(g)
		synctest.Wait()
		if s := p.Stats(); s.Workers != 1 || s.Running != 1 || s.Queued != 0 {
			t.Errorf("Stats() = %+v, want 1 worker, 1 running, 0 queued", s)
		}
		close(g)
		p.Close()
	})
}

// TestSleepersAtMostGOMAXPROCS: of the idle workers while another value
// runs, exactly GOMAXPROCS sleep and the rest exit.
func TestSleepersAtMostGOMAXPROCS(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		procs := runtime.GOMAXPROCS(0)
		p, gate := gatedPool(procs + 3)
		stuck, others := gate(), gate()
		p.Submit(stuck)
		for range procs + 2 {
			p.Submit(others)
		}
		synctest.Wait()
		if s := p.Stats(); s.Workers != procs+3 || s.Running != procs+3 {
			t.Fatalf("Stats() = %+v, want %d workers, all running", s, procs+3)
		}
		close(others) // procs+2 workers go idle while one value runs
		synctest.Wait()
		if s := p.Stats(); s.Workers != procs+1 || s.Running != 1 {
			t.Errorf("Stats() = %+v, want %d workers (%d asleep), 1 running", s, procs+1, procs)
		}
		close(stuck)
		p.Close()
	})
}

// TestWokenSleeperCountsAsRunning: a sleeping worker woken for a value is
// counted as running while it runs the value, and as idle once it sleeps
// again.
func TestWokenSleeperCountsAsRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, gate := gatedPool(2)
		stuck, done, next := gate(), gate(), gate()
		p.Submit(stuck)
		p.Submit(done)
		synctest.Wait()
		close(done) // its worker sleeps: the other is busy
		synctest.Wait()
		if s := p.Stats(); s.Workers != 2 || s.Running != 1 {
			t.Fatalf("Stats() = %+v, want 2 workers, 1 running", s)
		}
		for range 3 { // woken, runs next, sleeps again: three times over
			p.Submit(next)
			synctest.Wait()
			if s := p.Stats(); s.Workers != 2 || s.Running != 2 {
				t.Fatalf("Stats() = %+v with a woken worker busy, want 2 workers, 2 running", s)
			}
			close(next)
			synctest.Wait()
			if s := p.Stats(); s.Workers != 2 || s.Running != 1 {
				t.Fatalf("Stats() = %+v with it asleep again, want 2 workers, 1 running", s)
			}
			next = gate()
		}
		close(stuck)
		p.Close()
	})
}

// TestResizeWithoutSurplusKeepsSleepers: Resize to a size no smaller than
// the live workers lets the sleeping ones sleep on; only a surplus is woken
// to exit.
func TestResizeWithoutSurplusKeepsSleepers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, gate := gatedPool(2)
		stuck, done := gate(), gate()
		p.Submit(stuck)
		p.Submit(done)
		synctest.Wait()
		close(done)
		synctest.Wait() // one worker runs stuck, the other sleeps
		for _, size := range []int{3, 2} {
			p.Resize(size)
			synctest.Wait()
			if s := p.Stats(); s.Workers != 2 || s.Running != 1 {
				t.Errorf("Stats() = %+v after Resize(%d), want 2 workers, 1 running", s, size)
			}
		}
		p.Resize(1)
		synctest.Wait()
		if s := p.Stats(); s.Workers != 1 || s.Running != 1 {
			t.Errorf("Stats() = %+v after Resize(1), want 1 worker, 1 running", s)
		}
		close(stuck)
		p.Close()
	})
}

// TestQueuedCountsValuesTakenNotStarted: Stats.Queued counts the values a
// worker has taken with others and not started, as well as the queue.
func TestQueuedCountsValuesTakenNotStarted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, gate := gatedPool(1)
		first, second := gate(), gate()
		p.Submit(first)
		synctest.Wait()
		for range 4 {
			p.Submit(second)
		}
		if s := p.Stats(); s.Queued != 4 {
			t.Fatalf("Stats() = %+v, want 4 queued", s)
		}
		close(first) // the worker takes the four values together
		synctest.Wait()
		if s := p.Stats(); s.Queued != 3 || s.Running != 1 {
			t.Errorf("Stats() = %+v with one of four taken values started, want 3 queued, 1 running", s)
		}
		close(second)
		p.Close()
	})
}

// TestHandOffTakesOneAtATime: under a hand-off queue (limit 0) a woken
// worker takes one value and leaves the next to the worker woken for it, so
// a value sees no room while every worker runs a value or is woken for one.
// A worker that took both would leave room for a third until the other
// stole it.
func TestHandOffTakesOneAtATime(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two sleeping workers: GOMAXPROCS >= 2")
	}
	type value struct {
		name string
		gate chan struct{}
	}
	synctest.Test(t, func(t *testing.T) {
		var p *pool.Pool[value]
		var rooms atomic.Int32
		var submitted chan struct{}
		p = pool.New(3, func(v value) {
			switch v.name {
			case "A": // B waits until A has tried, A until B is queued
				<-submitted
				if p.TrySubmit(value{name: "C"}) {
					rooms.Add(1)
				}
				close(v.gate)
			case "B", "block":
				<-v.gate
			}
		})
		p.SetQueueLimit(0)
		stuck, idle := make(chan struct{}), make(chan struct{})
		p.Submit(value{"block", stuck})
		p.Submit(value{"block", idle})
		p.Submit(value{"block", idle})
		synctest.Wait()
		close(idle) // two workers sleep while one runs stuck
		synctest.Wait()
		for range 20 {
			tried := make(chan struct{})
			submitted = make(chan struct{})
			p.Submit(value{"A", tried})
			p.Submit(value{"B", tried})
			close(submitted)
			synctest.Wait()
		}
		if n := rooms.Load(); n > 0 {
			t.Errorf("TrySubmit from a value found room %d times in 20 while every worker was busy or woken", n)
		}
		close(stuck)
		p.Close()
	})
}
