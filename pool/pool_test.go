package pool_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool"
)

func TestMain(m *testing.M) { conctest.Main(m) }

func TestEveryValueOnceWithinSize(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		for _, size := range []int{1, 3, 16} {
			const n = 20_000
			var tr conctest.Tracker
			seen := make([]atomic.Int32, n)
			p := pool.New(size, func(v int) {
				tr.Do(func() {
					seen[v].Add(1)
					if v%100 == 0 {
						runtime.Gosched() // let the others pile up
					}
				})
			})
			for i := range n {
				if err := p.Submit(i); err != nil {
					t.Fatalf("Submit(%d) = %v, want nil", i, err)
				}
			}
			p.Wait()
			for i := range seen {
				if got := seen[i].Load(); got != 1 {
					t.Fatalf("size %d: value %d processed %d times, want 1", size, i, got)
				}
			}
			if got := tr.Max(); got > size {
				t.Errorf("size %d: %d calls of work at once, want at most %d", size, got, size)
			}
			p.Close()
		}
	})
}

func TestWaitWaitsForEarlierValues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var done atomic.Int32
		p := pool.New(2, func(int) { <-release; done.Add(1) })
		for i := range 5 {
			p.Submit(i)
		}
		waited := make(chan struct{})
		go func() { p.Wait(); close(waited) }()
		synctest.Wait()
		select {
		case <-waited:
			t.Fatal("Wait returned before the values were processed")
		default:
		}
		close(release)
		<-waited
		if got := done.Load(); got != 5 {
			t.Errorf("after Wait: %d values done, want 5", got)
		}
		p.Close()
	})
}

// TestWaitIgnoresLaterValues shows that values submitted after Wait began do
// not hold it up: a stream of submissions cannot starve a waiter.
func TestWaitIgnoresLaterValues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gates := []chan struct{}{make(chan struct{}), make(chan struct{})}
		p := pool.New(2, func(i int) { <-gates[i] })
		p.Submit(0)
		waited := make(chan struct{})
		go func() { p.Wait(); close(waited) }()
		synctest.Wait()
		p.Submit(1) // after Wait began
		close(gates[0])
		<-waited // returns although value 1 still runs
		close(gates[1])
		p.Close()
	})
}

func TestWaitEmptyPool(t *testing.T) {
	p := pool.New(1, func(int) {})
	p.Wait()
	p.Close()
	p.Wait()
}

func TestCloseDrainsAndStopsWorkers(t *testing.T) {
	var tr conctest.Tracker
	var done atomic.Int32
	p := pool.New(4, func(int) {
		tr.Do(func() { runtime.Gosched(); done.Add(1) })
	})
	for i := range 1000 {
		p.Submit(i)
	}
	p.Close()
	if got := done.Load(); got != 1000 {
		t.Errorf("after Close: %d values done, want 1000", got)
	}
	if got := tr.Now(); got != 0 {
		t.Errorf("after Close: %d calls of work still running, want 0", got)
	}
	if s := p.Stats(); s.Workers != 0 || s.Running != 0 || s.Queued != 0 {
		t.Errorf("after Close: Stats() = %+v, want no workers and an empty queue", s)
	}
	conctest.VerifyNone(t)
	p.Close() // idempotent
	if err := p.Submit(1); !errors.Is(err, pool.ErrClosed) {
		t.Errorf("Submit after Close = %v, want %v", err, pool.ErrClosed)
	}
	if err := p.SubmitContext(context.Background(), 1); !errors.Is(err, pool.ErrClosed) {
		t.Errorf("SubmitContext after Close = %v, want %v", err, pool.ErrClosed)
	}
	if p.TrySubmit(1) {
		t.Error("TrySubmit after Close = true, want false")
	}
}

func TestConcurrentCloseWaitsForAll(t *testing.T) {
	p := pool.New(2, func(int) { runtime.Gosched() })
	for i := range 100 {
		p.Submit(i)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(p.Close)
	}
	wg.Wait()
	if s := p.Stats(); s.Completed != 100 || s.Workers != 0 {
		t.Errorf("after concurrent Close: Stats() = %+v, want 100 completed, 0 workers", s)
	}
}

// TestSubmitRacesClose: hundreds of submitters racing Close never panic
// (a send on a closed channel, in some pools), and every value accepted runs.
func TestSubmitRacesClose(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		for range 20 {
			var ran, accepted atomic.Int64
			p := pool.New(4, func(int) { ran.Add(1) })
			p.SetQueueLimit(8) // some submitters block, so Close must release them
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 300 {
				wg.Go(func() {
					<-start
					err := p.Submit(i)
					switch {
					case err == nil:
						accepted.Add(1)
					case !errors.Is(err, pool.ErrClosed):
						t.Errorf("Submit = %v, want nil or ErrClosed", err)
					}
				})
			}
			close(start)
			p.Close()
			wg.Wait()
			if ran.Load() != accepted.Load() {
				t.Fatalf("%d values ran, %d accepted: want equal", ran.Load(), accepted.Load())
			}
		}
	})
}

func TestSubmitFromWork(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		var p *pool.Pool[int]
		var done atomic.Int64
		p = pool.New(2, func(depth int) {
			if depth < 12 {
				// A binary tree of submissions, every worker busy.
				p.Submit(depth + 1)
				p.Submit(depth + 1)
			}
			done.Add(1)
		})
		p.Submit(0)
		for p.Stats().Completed < 1<<13-1 {
			p.Wait()
		}
		p.Close()
		if got := done.Load(); got != 1<<13-1 {
			t.Errorf("%d values done, want %d", got, 1<<13-1)
		}
	})
}

func TestBadInput(t *testing.T) {
	p := pool.New(1, func(int) {})
	defer p.Close()
	for _, tt := range []struct {
		name, msg string
		f         func()
	}{
		{"New(0)", "pool: size < 1", func() { pool.New(0, func(int) {}) }},
		{"New(-1)", "pool: size < 1", func() { pool.New(-1, func(int) {}) }},
		{"New(1, nil)", "pool: nil work function", func() { pool.New[int](1, nil) }},
		{"NewTasks(0)", "pool: size < 1", func() { pool.NewTasks(0) }},
		{"NewTasks(-1)", "pool: size < 1", func() { pool.NewTasks(-1) }},
		{"Resize(0)", "pool: size < 1", func() { p.Resize(0) }},
		{"Resize(-1)", "pool: size < 1", func() { p.Resize(-1) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if v := conctest.Panics(t, tt.msg, tt.f); fmt.Sprint(v) != tt.msg {
				t.Errorf("panic %q, want %q", v, tt.msg)
			}
		})
	}
	if got := p.Stats().Size; got != 1 {
		t.Errorf("Size = %d after Resize panicked, want 1", got)
	}
}

func TestNilTaskReported(t *testing.T) {
	p := pool.NewTasks(1)
	p.Submit(nil)
	v := conctest.Panics(t, "", p.Close)
	perr, ok := v.(*pool.PanicError)
	if !ok || !strings.HasPrefix(perr.Error(), "panic: pool: nil task") {
		t.Errorf("Close panicked with %v, want a *PanicError for %q", v, "pool: nil task")
	}
}

func TestNewTasksRunsEach(t *testing.T) {
	p := pool.NewTasks(3)
	var n atomic.Int32
	for range 100 {
		p.Submit(func() { n.Add(1) })
	}
	p.Close()
	if got := n.Load(); got != 100 {
		t.Errorf("%d tasks ran, want 100", got)
	}
}

// TestNilContextPanicsInCaller: SubmitContext with a nil ctx panics at once,
// with room in the queue and with the queue full, and queues nothing.
func TestNilContextPanicsInCaller(t *testing.T) {
	busy, release := make(chan struct{}), make(chan struct{})
	p := pool.New(1, func(int) { busy <- struct{}{}; <-release })
	p.SetQueueLimit(0)
	conctest.Panics(t, "pool: nil context", func() {
		p.SubmitContext(nil, 1) //lint:ignore SA1012 the nil ctx is the point
	})
	p.Submit(2)
	<-busy // the queue is full: a ctx would be needed to give up
	conctest.Panics(t, "pool: nil context", func() {
		p.SubmitContext(nil, 3) //lint:ignore SA1012 the nil ctx is the point
	})
	close(release)
	p.Close()
	if got := p.Stats().Submitted; got != 1 {
		t.Errorf("Submitted = %d, want 1: a nil ctx queues nothing", got)
	}
}
