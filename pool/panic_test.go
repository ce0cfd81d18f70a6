package pool_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool"
)

func workThatPanics(v int) {
	if v%10 == 3 {
		panic(io.ErrUnexpectedEOF)
	}
}

func TestPanicKeepsServingAndWaitRepanics(t *testing.T) {
	var done atomic.Int64
	p := pool.New(2, func(v int) { workThatPanics(v); done.Add(1) })
	for i := range 100 {
		p.Submit(i)
	}
	v := conctest.Panics(t, "", p.Wait)
	perr, ok := v.(*pool.PanicError)
	if !ok {
		t.Fatalf("Wait panicked with %T, want *pool.PanicError", v)
	}
	if !errors.Is(perr, io.ErrUnexpectedEOF) {
		t.Errorf("errors.Is(%v, io.ErrUnexpectedEOF) = false, want true", perr.Value)
	}
	if !strings.Contains(string(perr.Stack), "workThatPanics") {
		t.Errorf("Stack does not name the panicking function:\n%s", perr.Stack)
	}
	// Every value ran: the panicking ones did not take their worker down.
	if got := done.Load(); got != 90 {
		t.Errorf("%d values finished, want 90", got)
	}
	if s := p.Stats(); s.Submitted != 100 || s.Completed != 100 || s.Panicked != 10 {
		t.Errorf("Stats() = %+v, want 100 submitted, 100 completed, 10 panicked", s)
	}
	// The panic was re-raised once; the pool still works.
	p.Submit(1)
	p.Wait()
	p.Close()
}

func TestCloseRepanics(t *testing.T) {
	p := pool.New(1, workThatPanics)
	p.Submit(3)
	v := conctest.Panics(t, "", p.Close)
	if _, ok := v.(*pool.PanicError); !ok {
		t.Fatalf("Close panicked with %T, want *pool.PanicError", v)
	}
	if s := p.Stats(); s.Workers != 0 {
		t.Errorf("after Close: Stats().Workers = %d, want 0", s.Workers)
	}
	p.Close() // the panic was re-raised once
}

func TestPanicHandlerGetsEveryPanic(t *testing.T) {
	var mu sync.Mutex
	var got []any
	p := pool.New(3, workThatPanics)
	p.SetPanicHandler(func(e *pool.PanicError) {
		mu.Lock()
		got = append(got, e.Value)
		mu.Unlock()
	})
	for i := range 1000 {
		p.Submit(i)
	}
	p.Wait() // must not panic
	p.Close()
	if len(got) != 100 {
		t.Errorf("handler got %d panics, want 100", len(got))
	}
	for _, v := range got {
		if v != io.ErrUnexpectedEOF {
			t.Fatalf("handler got %v, want %v", v, io.ErrUnexpectedEOF)
		}
	}
}

// TestGoexitDoesNotHang: work that calls runtime.Goexit ends its goroutine;
// the rest of its batch still runs and Wait and Close still return.
func TestGoexitDoesNotHang(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		var done atomic.Int64
		p := pool.New(2, func(v int) {
			if v%7 == 0 {
				runtime.Goexit()
			}
			done.Add(1)
		})
		for i := range 700 {
			p.Submit(i)
		}
		p.Wait()
		if got := done.Load(); got != 600 {
			t.Errorf("%d values finished, want 600", got)
		}
		p.Close()
		if s := p.Stats(); s.Completed != 700 || s.Panicked != 0 || s.Workers != 0 {
			t.Errorf("Stats() = %+v, want 700 completed, 0 panicked, 0 workers", s)
		}
	})
}

func TestStatsCounts(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		p := pool.New(4, workThatPanics)
		p.SetPanicHandler(func(*pool.PanicError) {})
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 1000 {
					if i%2 == 0 {
						p.Submit(g*1000 + i)
					} else if !p.TrySubmit(g*1000 + i) {
						t.Error("TrySubmit on an unbounded queue = false, want true")
					}
				}
			})
		}
		wg.Wait()
		p.Wait()
		want := pool.Stats{Size: 4, Submitted: 8000, Completed: 8000, Panicked: 800}
		if s := p.Stats(); s.Submitted != want.Submitted || s.Completed != want.Completed ||
			s.Panicked != want.Panicked || s.Size != want.Size || s.Queued != 0 {
			t.Errorf("Stats() = %+v, want %+v", s, want)
		}
		p.Close()
	})
}

// TestPanicNilIsAPanic: with GODEBUG=panicnil=1, recover returns nil for
// panic(nil), as after runtime.Goexit. The pool still takes it, in work
// and in the handler, for a panic: its worker goes on, and every value
// runs once.
func TestPanicNilIsAPanic(t *testing.T) {
	if !conctest.Child(t, "GODEBUG=panicnil=1") {
		return
	}
	var done atomic.Int64
	p := pool.New(2, func(v int) {
		if v%10 == 3 {
			panic(nil)
		}
		done.Add(1)
	})
	for i := range 100 {
		p.Submit(i)
	}
	v := conctest.Panics(t, "", p.Wait)
	if perr, ok := v.(*pool.PanicError); !ok || perr.Value != nil {
		t.Fatalf("Wait panicked with %#v, want *pool.PanicError with a nil Value", v)
	}
	if got := done.Load(); got != 90 {
		t.Errorf("%d values finished, want 90", got)
	}
	var handled atomic.Int64
	p.SetPanicHandler(func(*pool.PanicError) { handled.Add(1); panic(nil) })
	for i := range 100 {
		p.Submit(i)
	}
	conctest.Panics(t, "", p.Close)
	if s := p.Stats(); s.Completed != 200 || s.Panicked != 20 || s.Workers != 0 {
		t.Errorf("Stats() = %+v, want 200 completed, 20 panicked, 0 workers", s)
	}
	if got := handled.Load(); got != 10 {
		t.Errorf("handler called %d times, want 10", got)
	}
}
