package pool_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/pool"
)

// TestSleepingWorkerWokenForValue: a worker that found no value sleeps
// while another is busy, and a value submitted then wakes it, even though
// the busy worker never comes back for it.
func TestSleepingWorkerWokenForValue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var ran atomic.Bool
		p := pool.New(2, func(v int) {
			switch v {
			case 0:
				<-gate
			case 2:
				ran.Store(true)
			}
		})
		p.Submit(0)
		p.Submit(1)
		synctest.Wait() // one worker waits at the gate, the other sleeps
		if s := p.Stats(); s.Workers != 2 || s.Running != 1 {
			t.Fatalf("Stats() = %+v, want 2 workers, 1 running", s)
		}
		p.Submit(2)
		synctest.Wait()
		if !ran.Load() {
			t.Error("a value waited while a worker slept")
		}
		close(gate)
		p.Wait()
	})
}

// TestIdlePoolHoldsNoGoroutine: once the last value is done, every worker
// exits, those that slept while another worked too, without Close and
// without a timer.
func TestIdlePoolHoldsNoGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		p := pool.New(8, func(v int) {
			if v == 0 {
				<-gate
			}
		})
		for i := range 100 {
			p.Submit(i)
		}
		synctest.Wait()
		close(gate)
		p.Wait()
		synctest.Wait()
		if s := p.Stats(); s.Workers != 0 {
			t.Errorf("Stats() = %+v after the last value, want 0 workers", s)
		}
	})
}

// TestFewWorkersSleep: while one value blocks, the workers that ran the
// others exit, but for at most GOMAXPROCS that sleep, so that a stuck value
// in a large pool does not hold a goroutine per slot.
func TestFewWorkersSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		p := pool.New(64, func(v int) {
			if v == 0 {
				<-gate
			}
		})
		for i := range 1000 {
			p.Submit(i)
		}
		synctest.Wait()
		if s, most := p.Stats(), runtime.GOMAXPROCS(0)+1; s.Workers > most {
			t.Errorf("Stats() = %+v while one value blocks, want at most %d workers", s, most)
		}
		close(gate)
		p.Close()
	})
}
