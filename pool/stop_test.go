package pool_test

import (
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool"
)

// stopAsync starts Stop and returns a channel that gets what it returned.
func stopAsync(p *pool.Pool[int]) <-chan []int {
	res := make(chan []int, 1)
	go func() { res <- p.Stop() }()
	return res
}

func TestStopDropsQueueWaitsForRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		started := make(chan int, 10)
		release := make(chan struct{})
		var ran atomic.Int64
		p := pool.New(1, func(v int) { started <- v; <-release; ran.Add(1) })
		for i := range 10 {
			p.Submit(i)
		}
		if v := <-started; v != 0 {
			t.Fatalf("value %d started first, want 0", v)
		}
		res := stopAsync(p)
		synctest.Wait()
		select {
		case got := <-res:
			t.Fatalf("Stop returned %v while value 0 was running", got)
		default:
		}
		if err := p.Submit(10); !errors.Is(err, pool.ErrClosed) {
			t.Errorf("Submit after Stop = %v, want ErrClosed", err)
		}
		if p.TrySubmit(10) {
			t.Error("TrySubmit after Stop = true, want false")
		}
		close(release)
		got := <-res
		if want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9}; !slices.Equal(got, want) {
			t.Errorf("Stop() = %v, want %v", got, want)
		}
		if n := ran.Load(); n != 1 {
			t.Errorf("%d values ran, want 1", n)
		}
		s := p.Stats()
		checkSum(t, s)
		if s.Workers != 0 || s.Dropped != 9 || s.Completed != 1 || s.Submitted != 10 {
			t.Errorf("Stats() = %+v, want 0 workers, 1 completed, 9 dropped of 10", s)
		}
	})
}

// Values a worker has taken in a batch and not started are dropped too, in
// queue order with the rest.
func TestStopTakesBatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var ran sync.Map
		p := pool.New(3, func(v int) {
			ran.Store(v, true)
			if v%10 == 0 {
				<-release
			}
		})
		for i := range 200 {
			p.Submit(i)
		}
		synctest.Wait() // three values ending in 0 block their workers
		res := stopAsync(p)
		synctest.Wait()
		close(release)
		got := <-res
		if !slices.IsSorted(got) {
			t.Errorf("Stop() = %v, not in queue order", got)
		}
		for _, v := range got {
			if _, ok := ran.Load(v); ok {
				t.Errorf("Stop returned %d, which ran", v)
			}
		}
		n := 0
		ran.Range(func(any, any) bool { n++; return true })
		if n+len(got) != 200 {
			t.Errorf("%d ran and %d dropped, want 200 in all", n, len(got))
		}
		if s := p.Stats(); s.Dropped != uint64(len(got)) || s.Completed != uint64(n) || s.Workers != 0 {
			t.Errorf("Stats() = %+v, want %d completed, %d dropped, 0 workers", s, n, len(got))
		}
	})
}

func TestStopRefusesBlockedSubmitters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, release, _ := blockedPool(t, 1)
		p.SetQueueLimit(1)
		p.Submit(1)
		res := submitAsync(p, 2)
		if !blocked(res) {
			t.Fatal("Submit did not block on a full queue")
		}
		stopped := stopAsync(p)
		if err := <-res; !errors.Is(err, pool.ErrClosed) {
			t.Errorf("blocked Submit = %v after Stop, want ErrClosed", err)
		}
		close(release)
		if got := <-stopped; !slices.Equal(got, []int{1}) {
			t.Errorf("Stop() = %v, want [1]", got)
		}
		if s := p.Stats(); s.Submitted != 2 || s.Dropped != 1 || s.Completed != 1 {
			t.Errorf("Stats() = %+v, want 2 submitted, 1 completed, 1 dropped", s)
		}
	})
}

// A Wait blocked for values that Stop drops returns once the rest are done.
func TestStopReleasesWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, release, _ := blockedPool(t, 2)
		for i := range 5 {
			p.Submit(i)
		}
		waited := make(chan struct{})
		go func() { p.Wait(); close(waited) }()
		synctest.Wait()
		stopped := stopAsync(p)
		synctest.Wait()
		close(release)
		<-waited
		if got := <-stopped; len(got) != 5 {
			t.Errorf("Stop() = %v, want 5 values", got)
		}
		p.Wait() // nothing left to wait for
	})
}

func TestStopAfterCloseOrStop(t *testing.T) {
	p := pool.New(2, func(int) {})
	p.Submit(1)
	p.Wait()
	if got := p.Stop(); got != nil {
		t.Errorf("Stop() = %v on an idle pool, want nil", got)
	}
	if got := p.Stop(); got != nil {
		t.Errorf("second Stop() = %v, want nil", got)
	}
	p.Close()

	q := pool.New(1, func(int) {})
	q.Submit(1)
	q.Close()
	if got := q.Stop(); got != nil {
		t.Errorf("Stop() after Close = %v, want nil", got)
	}
	if s := q.Stats(); s.Completed != 1 || s.Dropped != 0 || s.Workers != 0 {
		t.Errorf("Stats() = %+v, want 1 completed, 0 dropped, 0 workers", s)
	}
}

func TestStopRepanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := pool.New(1, func(v int) {
			<-release
			if v == 0 {
				panic("boom")
			}
		})
		p.Submit(0)
		p.Submit(1)
		synctest.Wait()
		close(release)
		v := conctest.Panics(t, "", func() { p.Stop() })
		if perr, ok := v.(*pool.PanicError); !ok || perr.Value != "boom" {
			t.Errorf("Stop panicked with %v, want a *PanicError of boom", v)
		}
		if s := p.Stats(); s.Workers != 0 || s.Panicked != 1 {
			t.Errorf("Stats() = %+v, want 0 workers, 1 panicked", s)
		}
		if got := p.Stop(); got != nil {
			t.Errorf("Stop() after a panic was re-raised = %v, want nil", got)
		}
	})
}

// TestStopRacesSubmit stops pools while submitters run, with and without a
// queue limit: every value Submit accepted either ran or was returned by
// Stop, in queue order, and Stats agrees.
func TestStopRacesSubmit(t *testing.T) {
	for _, limit := range []int{-1, 0, 3} {
		for range 20 {
			var ran atomic.Int64
			p := pool.New(3, func(int) { ran.Add(1) })
			p.SetQueueLimit(limit)
			var accepted atomic.Int64
			var wg sync.WaitGroup
			// Submitter g submits i*submitters + g: a submitter that
			// queues millions of values before Stop (it may, on a loaded
			// machine) never runs into another's numbers.
			const submitters = 4
			for g := range submitters {
				wg.Go(func() {
					for i := 0; ; i++ {
						if p.Submit(i*submitters+g) != nil {
							return
						}
						accepted.Add(1)
					}
				})
			}
			for p.Stats().Completed < 100 {
				runtime.Gosched()
			}
			dropped := p.Stop()
			wg.Wait()
			// Each submitter's values come back in the order it queued them.
			last := map[int]int{}
			for _, v := range dropped {
				g := v % submitters
				if prev, ok := last[g]; ok && v <= prev {
					t.Fatalf("limit %d: Stop returned %d after %d", limit, v, prev)
				}
				last[g] = v
			}
			s := p.Stats()
			if got := ran.Load() + int64(len(dropped)); got != accepted.Load() ||
				s.Dropped != uint64(len(dropped)) || s.Completed != uint64(ran.Load()) ||
				s.Submitted != uint64(accepted.Load()) || s.Workers != 0 {
				t.Fatalf("limit %d: %d accepted, %d ran, %d dropped; Stats() = %+v",
					limit, accepted.Load(), ran.Load(), len(dropped), s)
			}
		}
	}
}
