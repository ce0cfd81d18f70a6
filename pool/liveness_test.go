package pool_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool"
)

// Each test here runs in a bubble: where a value waits for ever, the bubble
// reports the deadlock and the test fails.

// TestValueInBatchNotStuckBehindBlockedOne: a worker that takes several
// values at once must not keep the later ones from a free worker. A waits
// for B; with every worker taking one value at a time, the second worker
// runs B.
func TestValueInBatchNotStuckBehindBlockedOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewTasks(2)
		for range 1000 {
			p.Submit(func() {}) // fast values: workers take whole batches
		}
		ch := make(chan struct{})
		p.Submit(func() { <-ch })      // A
		p.Submit(func() { close(ch) }) // B
		p.Wait()
		p.Close()
	})
}

// TestWaitNotHeldByLaterValueInSameBatch: Wait ends when the values submitted
// before it are done, even if a worker took a later one in the same batch.
func TestWaitNotHeldByLaterValueInSameBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate0, gate2 := make(chan struct{}), make(chan struct{})
		p := pool.New(1, func(i int) {
			switch i {
			case 0:
				<-gate0
			case 2:
				<-gate2
			}
		})
		p.Submit(0)
		synctest.Wait() // the worker holds 0
		p.Submit(1)
		waited := make(chan struct{})
		go func() { p.Wait(); close(waited) }()
		synctest.Wait()
		p.Submit(2)  // after Wait began
		close(gate0) // the worker may now take 1 and 2 together
		synctest.Wait()
		select {
		case <-waited:
		default:
			t.Errorf("Wait blocked after values 0 and 1 were done; Stats() = %+v", p.Stats())
		}
		close(gate2)
		<-waited
		p.Close()
	})
}

// TestSurplusWorkerExitAdmits: a worker leaving after Resize down is room
// below a queue limit, and must admit a blocked submitter.
func TestSurplusWorkerExitAdmits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gates := []chan struct{}{make(chan struct{}), make(chan struct{})}
		p := pool.New(2, func(i int) { <-gates[i] })
		p.Submit(0)
		p.Submit(1)
		synctest.Wait()
		p.Resize(1)
		p.SetQueueLimit(1)
		res := submitAsync(p, 0) // two workers for a size of one: no room
		if !blocked(res) {
			t.Fatal("Submit returned, want it to block")
		}
		close(gates[0]) // the surplus worker exits
		if blocked(res) {
			t.Errorf("Submit still blocked after a surplus worker left; Stats() = %+v", p.Stats())
		}
		close(gates[1])
		p.Close()
	})
}

func TestHandlerGoexitKeepsWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var handled atomic.Int32
		p := pool.New(1, func(int) { panic("boom") })
		p.SetPanicHandler(func(*pool.PanicError) { handled.Add(1); runtime.Goexit() })
		for i := range 5 {
			p.Submit(i)
		}
		p.Close()
		if got := handled.Load(); got != 5 {
			t.Errorf("handler called %d times, want 5", got)
		}
		if s := p.Stats(); s.Completed != 5 || s.Panicked != 5 {
			t.Errorf("Stats() = %+v, want 5 completed, 5 panicked", s)
		}
	})
}

func TestHandlerPanicIsKept(t *testing.T) {
	p := pool.New(1, func(int) { panic("in work") })
	p.SetPanicHandler(func(*pool.PanicError) { panic("in handler") })
	p.Submit(1)
	v := conctest.Panics(t, "", p.Wait)
	if perr, ok := v.(*pool.PanicError); !ok || perr.Value != "in handler" {
		t.Errorf("Wait panicked with %v, want the handler's panic as *PanicError", v)
	}
	p.Close()
}

// TestSubmitContextRacesAdmission cancels submitters at random points while
// workers free room: nil must mean the value ran, an error that it did not.
func TestSubmitContextRacesAdmission(t *testing.T) {
	for range 50 {
		ran := make([]atomic.Bool, 64)
		p := pool.New(2, func(i int) { ran[i].Store(true) })
		p.SetQueueLimit(0)
		errs := make([]error, len(ran))
		ctx, stop := conctest.RandomCancel(context.Background(), 100)
		var wg sync.WaitGroup
		for i := range ran {
			wg.Go(func() { errs[i] = p.SubmitContext(ctx, i) })
		}
		wg.Wait()
		p.Close()
		stop()
		for i, err := range errs {
			switch {
			case err == nil && !ran[i].Load():
				t.Fatalf("SubmitContext(%d) = nil, but the value did not run", i)
			case err != nil && ran[i].Load():
				t.Fatalf("SubmitContext(%d) = %v, but the value ran", i, err)
			case err != nil && !errors.Is(err, conctest.ErrRandomCancel):
				t.Fatalf("SubmitContext(%d) = %v, want nil or %v", i, err, conctest.ErrRandomCancel)
			}
		}
	}
}

// TestResizeUpThenSubmit: value 0 waits for value 1, and at size 1 the one
// worker took both as a batch. Resize(4) must get value 1 a worker of its
// own, even when a Submit comes before that worker runs and counts it for
// its own value, 2, which blocks.
func TestResizeUpThenSubmit(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	synctest.Test(t, func(t *testing.T) {
		y := make(chan struct{})
		var once sync.Once
		closeY := func() { once.Do(func() { close(y) }) }
		gate := make(chan struct{})
		p := pool.New(1, func(v int) {
			switch v {
			case 0:
				<-y
			case 1:
				closeY()
			case 2:
				<-gate
			}
		})
		p.Submit(0)
		p.Submit(1)
		synctest.Wait() // the worker took [0 1] and waits in 0
		p.Resize(4)
		p.Submit(2)
		synctest.Wait()
		select {
		case <-y:
		default:
			t.Errorf("value 1 waits behind value 0 while 2 of 4 run: %+v", p.Stats())
		}
		close(gate)
		closeY()
		p.Close()
	})
}

// TestQueueLimitStartsInOrder: under a queue limit workers take values one
// at a time and start them in order, so work may wait for another value:
// X and A block until the end, C waits for B, submitted before it, and B
// must start, although without a limit a worker might have taken A and B
// together and left B behind A while C filled the last slot.
func TestQueueLimitStartsInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		end, chB := make(chan struct{}), make(chan struct{})
		p := pool.New(3, func(s string) {
			switch s {
			case "X", "A":
				<-end
			case "B":
				close(chB)
			case "C":
				<-chB
			}
		})
		p.SetQueueLimit(100)
		p.Submit("X")
		synctest.Wait()
		for _, s := range []string{"A", "B", "C", "D"} {
			p.Submit(s)
		}
		synctest.Wait()
		select {
		case <-chB:
		default:
			t.Errorf("B did not start while C waits for it: %+v", p.Stats())
		}
		close(end)
		p.Close()
	})
}
