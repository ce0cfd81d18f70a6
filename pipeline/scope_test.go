package pipeline_test

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pipeline"
)

var errEnough = errors.New("enough")

// naturals yields 0, 1, 2, ... until its yield returns false.
func naturals(yield func(int) bool) {
	for i := 0; yield(i); i++ {
	}
}

// TestScopeJoinsStageWrites is the program that raced: FromSeq -> Batch ->
// a stage that writes a variable, a consumer that stops early, and a read
// of the variable afterwards. Without a scope the read races with the
// stage (TestNoScopeOutputClosesWhileFRuns); after Wait it does not, which
// the race detector checks.
func TestScopeJoinsStageWrites(t *testing.T) {
	for range 300 {
		s, ctx := pipeline.WithScope(context.Background())
		var last []int // written by the stage, read after Wait
		sizes := pipeline.Stage(ctx, pipeline.Batch(ctx, pipeline.FromSeq(ctx, naturals), 4, 0),
			func(b []int) int {
				last = b
				return len(b)
			})
		for range rand.IntN(5) {
			<-sizes
		}
		s.Stop(errEnough)
		if err := s.Wait(); err != errEnough {
			t.Fatalf("Wait() = %v, want %v", err, errEnough)
		}
		_ = last
	}
}

// TestNoScopeOutputClosesWhileFRuns shows why the program above needs a
// scope: without one, a stage's output is closed when ctx is done while f
// still runs, and nothing can wait for f.
func TestNoScopeOutputClosesWhileFRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	entered, release, returned := make(chan struct{}), make(chan struct{}), make(chan struct{})
	out := pipeline.Stage(ctx, pipeline.Generate(ctx, 1), func(n int) int {
		close(entered)
		<-release
		close(returned)
		return n
	})
	<-entered
	cancel()
	drain(out) // returns: the output is closed
	select {
	case <-returned:
		t.Fatal("f returned before release; the test proves nothing")
	default:
	}
	close(release)
	<-returned
}

// blocking returns a function for a stage that, on its first call, waits
// for ctx and then yields a while before it returns, inside tr: a stage
// that Wait did not join would still be inside after Wait.
func blocking(ctx context.Context, tr *conctest.Tracker) func(int) int {
	return func(n int) int {
		tr.Do(func() {
			<-ctx.Done()
			for range 50 {
				runtime.Gosched()
			}
		})
		return n
	}
}

// blockingSeq is blocking for FromSeq's seq: it yields 0 and then blocks.
func blockingSeq(ctx context.Context, tr *conctest.Tracker) iter.Seq[int] {
	f := blocking(ctx, tr)
	return func(yield func(int) bool) {
		if yield(0) {
			yield(f(1))
		}
	}
}

// open returns a channel that is never closed.
func open() chan int { return make(chan int) }

// scopeBuilds start every channel function under ctx, each blocked until
// ctx is done: f blocks, nobody reads, or the input never closes.
var scopeBuilds = map[string]func(ctx context.Context, tr *conctest.Tracker) []probe{
	"Generate": func(ctx context.Context, _ *conctest.Tracker) []probe {
		return probes(pipeline.Generate(ctx, ints(1000)...))
	},
	"FromSeq": func(ctx context.Context, tr *conctest.Tracker) []probe {
		return probes(pipeline.FromSeq(ctx, blockingSeq(ctx, tr)))
	},
	"Stage": func(ctx context.Context, tr *conctest.Tracker) []probe {
		return probes(pipeline.Stage(ctx, pipeline.Generate(ctx, 1, 2, 3), blocking(ctx, tr)))
	},
	"FanOut": func(ctx context.Context, tr *conctest.Tracker) []probe {
		return probes(pipeline.FanOut(ctx, pipeline.Generate(ctx, ints(10)...), 3, blocking(ctx, tr))...)
	},
	"StageContext": func(ctx context.Context, tr *conctest.Tracker) []probe {
		return probes(pipeline.StageContext(ctx, pipeline.Generate(ctx, 1, 2, 3), failing(blocking(ctx, tr))))
	},
	"FanOutContext": func(ctx context.Context, tr *conctest.Tracker) []probe {
		in := pipeline.Generate(ctx, ints(10)...)
		return probes(pipeline.FanOutContext(ctx, in, 3, failing(blocking(ctx, tr)))...)
	},
	"Merge": func(ctx context.Context, _ *conctest.Tracker) []probe {
		return probes(pipeline.Merge(ctx, open(), open()))
	},
	"FanOutMerge": func(ctx context.Context, tr *conctest.Tracker) []probe {
		in := pipeline.Generate(ctx, ints(10)...)
		return probes(pipeline.Merge(ctx, pipeline.FanOut(ctx, in, 3, blocking(ctx, tr))...))
	},
	"Tee": func(ctx context.Context, _ *conctest.Tracker) []probe {
		return probes(pipeline.Tee(ctx, open(), 3)...)
	},
	"Batch": func(ctx context.Context, _ *conctest.Tracker) []probe {
		in := open()
		go func() {
			select {
			case in <- 1:
			case <-ctx.Done():
			}
		}()
		return probes(pipeline.Batch(ctx, in, 4, 0))
	},
}

// TestScopeJoinsEveryFunction stops each channel function under a scope
// while it is blocked, and checks that when Wait returns, f is not running
// and every output is already closed, which its goroutine does last.
func TestScopeJoinsEveryFunction(t *testing.T) {
	for name, build := range scopeBuilds {
		t.Run(name, func(t *testing.T) {
			for range 100 {
				s, ctx := pipeline.WithScope(context.Background())
				var tr conctest.Tracker
				outs := build(ctx, &tr)
				for range rand.IntN(3) {
					runtime.Gosched()
				}
				s.Stop(errEnough)
				if err := s.Wait(); err != errEnough {
					t.Fatalf("Wait() = %v, want %v", err, errEnough)
				}
				if n := tr.Now(); n != 0 {
					t.Fatalf("f still running in %d goroutines after Wait", n)
				}
				for i, p := range outs {
					if closed, _ := p(); !closed {
						t.Fatalf("output %d open after Wait", i)
					}
				}
			}
			conctest.VerifyNone(t)
		})
	}
}

// A probe takes what an output holds, without waiting, and reports
// whether the output is closed and how many values it took.
type probe func() (closed bool, took int)

func probes[T any](chs ...<-chan T) []probe {
	ps := make([]probe, len(chs))
	for i, ch := range chs {
		ps[i] = func() (bool, int) {
			n := 0
			for {
				select {
				case _, ok := <-ch:
					if !ok {
						return true, n
					}
					n++
				default:
					return false, n
				}
			}
		}
	}
	return ps
}

// closedNow reports whether ch is closed, taking what its buffer holds,
// without waiting.
func closedNow[T any](ch <-chan T) bool {
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return true
			}
		default:
			return false
		}
	}
}

func TestScopeWaitResult(t *testing.T) {
	cause := errors.New("cause")
	tests := []struct {
		name string
		end  func(s *pipeline.Scope, cancelParent context.CancelCauseFunc)
		want error
	}{
		{"read to the end", func(*pipeline.Scope, context.CancelCauseFunc) {}, nil},
		{"Stop", func(s *pipeline.Scope, _ context.CancelCauseFunc) { s.Stop(cause) }, cause},
		{"Stop(nil)", func(s *pipeline.Scope, _ context.CancelCauseFunc) { s.Stop(nil) }, context.Canceled},
		{"parent cancelled", func(_ *pipeline.Scope, c context.CancelCauseFunc) { c(cause) }, cause},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			s, ctx := pipeline.WithScope(parent)
			out := pipeline.Merge(ctx, pipeline.FanOut(ctx, pipeline.Generate(ctx, ints(100)...), 2, square)...)
			if tt.want == nil {
				drain(out)
			}
			tt.end(s, cancel)
			if err := s.Wait(); err != tt.want {
				t.Errorf("Wait() = %v, want %v", err, tt.want)
			}
			if ctx.Err() == nil {
				t.Error("scope's context not done after Wait")
			}
			if err := s.Wait(); err != tt.want {
				t.Errorf("second Wait() = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestScopeWaitWithoutStages(t *testing.T) {
	s, ctx := pipeline.WithScope(context.Background())
	if err := s.Wait(); err != nil {
		t.Errorf("Wait() = %v, want nil", err)
	}
	if !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Errorf("Cause after Wait = %v, want context.Canceled", context.Cause(ctx))
	}
}

func TestScopeZeroValue(t *testing.T) {
	var s pipeline.Scope
	s.Stop(errEnough)
	if err := s.Wait(); err != nil {
		t.Errorf("Wait() on the zero Scope = %v, want nil", err)
	}
}

// TestScopeDerivedContext checks that a stage started with a context
// derived from the scope's registers with the scope.
func TestScopeDerivedContext(t *testing.T) {
	s, ctx := pipeline.WithScope(context.Background())
	sub, cancel := context.WithCancel(context.WithValue(ctx, errEnough, 1))
	defer cancel()
	var tr conctest.Tracker
	out := pipeline.Stage(sub, pipeline.Generate(sub, 1), blocking(sub, &tr))
	s.Stop(errEnough)
	s.Wait()
	if tr.Now() != 0 || !closedNow(out) {
		t.Error("Wait returned before the stage under a derived context")
	}
}

func panicker2(int) int { panic("boom") }

// TestScopePanic checks that a panic in f or seq cancels the scope's context
// with the *PanicError as cause, and that every Wait re-raises it.
func TestScopePanic(t *testing.T) {
	builds := map[string]func(ctx context.Context) <-chan int{
		"Stage": func(ctx context.Context) <-chan int {
			return pipeline.Stage(ctx, pipeline.Generate(ctx, 1, 2, 3), panicker2)
		},
		"FanOut": func(ctx context.Context) <-chan int {
			return pipeline.Merge(ctx, pipeline.FanOut(ctx, pipeline.Generate(ctx, 1, 2, 3), 2, panicker2)...)
		},
		"FromSeq": func(ctx context.Context) <-chan int {
			return pipeline.FromSeq(ctx, func(yield func(int) bool) {
				yield(1)
				panicker2(2)
			})
		},
	}
	for name, build := range builds {
		t.Run(name, func(t *testing.T) {
			s, ctx := pipeline.WithScope(context.Background())
			// The output closes after the context is cancelled, so that
			// Collect reports the panic.
			_, err := pipeline.Collect(ctx, build(ctx))
			var perr *pipeline.PanicError
			if !errors.As(err, &perr) || perr.Value != "boom" {
				t.Fatalf("Collect error = %v, want a *PanicError with boom", err)
			}
			if !strings.Contains(string(perr.Stack), "panicker2") {
				t.Errorf("stack lacks the panicking function:\n%s", perr.Stack)
			}
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() { expectPanic(t, s, perr) })
			}
			wg.Wait()
			expectPanic(t, s, perr)
		})
	}
}

func expectPanic(t *testing.T, s *pipeline.Scope, want *pipeline.PanicError) {
	t.Helper()
	defer func() {
		t.Helper()
		if got := recover(); got != want {
			t.Errorf("Wait panicked with %v, want %v", got, want)
		}
	}()
	s.Wait()
}

// TestScopeAfterWait calls every channel function with a scope's context
// after Wait: each returns closed outputs at once and starts nothing.
func TestScopeAfterWait(t *testing.T) {
	s, ctx := pipeline.WithScope(context.Background())
	s.Wait()
	for name, build := range scopeBuilds {
		var tr conctest.Tracker
		for i, p := range build(ctx, &tr) {
			if closed, n := p(); !closed || n > 0 {
				t.Errorf("%s: output %d closed: %v after %d values, want it closed at once", name, i, closed, n)
			}
		}
	}
	conctest.VerifyNone(t)
}

// TestScopeStartRacesWait starts stages while Wait runs. A stage either
// registers first, and is joined, or finds the scope ended and closes its
// outputs at once; nothing must trip over a counter that Wait is using.
func TestScopeStartRacesWait(t *testing.T) {
	for range 1000 {
		s, ctx := pipeline.WithScope(context.Background())
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				<-start
				in := pipeline.Generate(ctx, ints(10)...)
				drain(pipeline.Merge(ctx, pipeline.FanOut(ctx, in, 2, square)...))
			})
		}
		wg.Go(func() {
			<-start
			if err := s.Wait(); err != nil {
				t.Errorf("Wait() = %v, want nil", err)
			}
		})
		close(start)
		wg.Wait()
	}
	conctest.VerifyNone(t)
}

func TestScopeGoexit(t *testing.T) {
	s, ctx := pipeline.WithScope(context.Background())
	out := pipeline.Stage(ctx, pipeline.Generate(ctx, 1, 2), func(int) int {
		runtime.Goexit()
		return 0
	})
	drain(out)
	err := s.Wait()
	if !errors.Is(err, pipeline.ErrGoexit) {
		t.Errorf("Wait() = %v, want ErrGoexit", err)
	}
}
