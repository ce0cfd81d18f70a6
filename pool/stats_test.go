package pool_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/pool"
)

// checkSum reports an error unless the counts of s add up, and reports
// whether they do.
func checkSum(t *testing.T, s pool.Stats) bool {
	t.Helper()
	if s.Running < 0 || s.Queued < 0 ||
		s.Submitted != s.Completed+uint64(s.Running)+uint64(s.Queued)+s.Dropped {
		t.Errorf("Stats() = %+v: Submitted != Completed + Running + Queued + Dropped", s)
		return false
	}
	if s.Panicked > s.Completed {
		t.Errorf("Stats() = %+v: more panicked than completed", s)
		return false
	}
	return true
}

func TestStatsFirstSubmit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := pool.New(2, func(int) { <-release })
		defer p.Close()
		defer close(release)
		p.Submit(0)
		// Taken before the worker started, and after: the value counts once.
		for range 2 {
			s := p.Stats()
			checkSum(t, s)
			if s.Running != 1 || s.Queued != 0 || s.Submitted != 1 {
				t.Errorf("Stats() = %+v after one Submit, want 1 running, 0 queued, 1 submitted", s)
			}
			synctest.Wait()
		}
	})
}

func TestStatsOneWorkerTwoValues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := pool.New(1, func(int) { <-release })
		p.Submit(0)
		p.Submit(1)
		for range 2 {
			if s := p.Stats(); s.Running != 1 || s.Queued != 1 || s.Submitted != 2 {
				close(release)
				p.Close()
				t.Fatalf("Stats() = %+v, want 1 running, 1 queued, 2 submitted", s)
			}
			synctest.Wait()
		}
		close(release)
		p.Close()
		if s := p.Stats(); s.Running != 0 || s.Queued != 0 || s.Completed != 2 {
			t.Errorf("after Close: Stats() = %+v, want 2 completed, none running or queued", s)
		}
	})
}

// Queued counts what the limit bounds: while Submit accepts values without
// blocking, it stays at most the limit, before the workers start and after.
func TestStatsQueuedWithinLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const size, limit = 3, 5
		release := make(chan struct{})
		p := pool.New(size, func(int) { <-release })
		defer p.Close()
		defer close(release)
		p.SetQueueLimit(limit)
		for i := range size + limit {
			if !p.TrySubmit(i) {
				t.Fatalf("TrySubmit #%d = false, want true", i)
			}
			s := p.Stats()
			if !checkSum(t, s) || s.Queued > limit {
				t.Fatalf("Stats() = %+v after %d values accepted without blocking: Queued over the limit %d", s, i+1, limit)
			}
		}
		synctest.Wait()
		if p.TrySubmit(-1) {
			t.Fatal("TrySubmit = true on a full queue, want false")
		}
		if s := p.Stats(); s.Running != size || s.Queued != limit {
			t.Errorf("Stats() = %+v, want %d running, %d queued", s, size, limit)
		}
	})
}

// A value whose batch-mate is blocked counts as queued; the values its
// worker ran before count as completed.
func TestStatsBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := pool.New(1, func(v int) {
			if v == 2 {
				<-release
			}
		})
		defer p.Close()
		defer close(release)
		for i := range 5 {
			p.Submit(i)
		}
		synctest.Wait()
		s := p.Stats()
		checkSum(t, s)
		if s.Running != 1 || s.Queued != 2 || s.Completed != 2 {
			t.Errorf("Stats() = %+v while value 2 blocks, want 2 completed, 1 running, 2 queued", s)
		}
	})
}

// TestStatsSumUnderLoad takes snapshots while many submitters race with the
// workers, with and without a queue limit, some values panicking and some
// calling runtime.Goexit: the counts add up in each, the limit bounds
// Queued, and at the quiescent points, after Wait and after Stop, nothing
// is running or queued.
func TestStatsSumUnderLoad(t *testing.T) {
	for _, limit := range []int{-1, 0, 4} {
		t.Run("", func(t *testing.T) { statsUnderLoad(t, limit) })
	}
}

func statsUnderLoad(t *testing.T, limit int) {
	const submitters, each = 8, 500
	p := pool.New(4, func(v int) {
		switch v % 97 {
		case 13:
			panic("boom")
		case 29:
			runtime.Goexit()
		}
	})
	p.SetPanicHandler(func(*pool.PanicError) {})
	p.SetQueueLimit(limit)
	var stop atomic.Bool
	var watch sync.WaitGroup
	watch.Go(func() {
		for !stop.Load() {
			s := p.Stats()
			if !checkSum(t, s) {
				return
			}
			if limit >= 0 && s.Queued > limit {
				t.Errorf("Stats() = %+v: Queued over the limit %d", s, limit)
				return
			}
			if s.Running > s.Size {
				t.Errorf("Stats() = %+v: more running than Size", s)
				return
			}
		}
	})
	for round := range 2 {
		var wg sync.WaitGroup
		for g := range submitters {
			wg.Go(func() {
				for i := range each {
					p.Submit(g*each + i)
				}
			})
		}
		wg.Wait()
		if round == 0 {
			p.Wait()
		} else {
			p.Stop()
		}
		s := p.Stats()
		checkSum(t, s)
		want := uint64((round + 1) * submitters * each)
		if s.Running != 0 || s.Queued != 0 || s.Submitted != want {
			t.Errorf("quiescent Stats() = %+v, want %d submitted, none running or queued", s, want)
		}
		if round == 0 && s.Panicked != want/97+boomsBelow(want) {
			t.Errorf("Stats() = %+v, want %d panicked", s, want/97+boomsBelow(want))
		}
	}
	stop.Store(true)
	watch.Wait()
}

// boomsBelow returns how many of the values below n beyond the whole runs
// of 97 panic.
func boomsBelow(n uint64) uint64 {
	if n%97 > 13 {
		return 1
	}
	return 0
}

// A value whose call of work panicked counts as running while the panic
// handler runs, and then in Completed and Panicked at once: no snapshot
// counts it as panicked and not completed.
func TestStatsPanicCountsOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inHandler, release := make(chan struct{}), make(chan struct{})
		p := pool.New(1, func(int) { panic("boom") })
		p.SetPanicHandler(func(*pool.PanicError) { inHandler <- struct{}{}; <-release })
		p.Submit(0)
		<-inHandler
		if s := p.Stats(); !checkSum(t, s) || s.Running != 1 || s.Completed != 0 || s.Panicked != 0 {
			t.Errorf("Stats() = %+v while the handler runs, want 1 running, none completed or panicked", s)
		}
		close(release)
		p.Wait()
		if s := p.Stats(); !checkSum(t, s) || s.Completed != 1 || s.Panicked != 1 {
			t.Errorf("Stats() = %+v after Wait, want 1 completed, 1 panicked", s)
		}
		p.Close()
	})
}
