package scope

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/internal/panics"
)

func TestMain(m *testing.M) { conctest.Main(m) }

func newScope(parent context.Context) (*Scope, context.Context) {
	s := new(Scope)
	return s, s.Init(parent)
}

// run is a goroutine registered with s as the channel functions write one:
// it calls body, then finish, which closes the outputs.
func run(s *Scope, body, finish func()) {
	defer s.Exit()
	defer finish()
	returned := false
	defer s.Catch(&returned)
	body()
	returned = true
}

func TestZeroScope(t *testing.T) {
	var s Scope
	s.Stop(errors.New("ignored"))
	if err := s.Wait(); err != nil {
		t.Errorf("Wait() on the zero Scope = %v, want nil", err)
	}
	if From(context.Background()) != nil {
		t.Error("From(Background) != nil, want nil")
	}
}

func TestNilScopeRecoversNothing(t *testing.T) {
	var s *Scope
	if !s.Enter(3) {
		t.Fatal("Enter on a nil scope = false, want true")
	}
	finished := false
	v := conctest.Panics(t, "boom", func() {
		run(s, func() { panic("boom") }, func() { finished = true })
	})
	if v != "boom" || !finished {
		t.Errorf("panic %v, finish ran: %v; want boom, true", v, finished)
	}
	s.Exit()
}

type otherKey struct{}

func TestFromDerivedContext(t *testing.T) {
	s, ctx := newScope(context.Background())
	defer s.Wait()
	ctx, cancel := context.WithCancel(context.WithValue(ctx, otherKey{}, 1))
	defer cancel()
	if got := From(ctx); got != s {
		t.Errorf("From(derived) = %p, want %p", got, s)
	}
}

// TestWaitJoins checks that Wait returns only after every registered
// goroutine returned, and then with the cause of a Stop.
func TestWaitJoins(t *testing.T) {
	s, ctx := newScope(context.Background())
	var tr conctest.Tracker
	const n = 5
	if !s.Enter(n) {
		t.Fatal("Enter = false on a new scope")
	}
	for range n {
		go run(s, func() {
			tr.Do(func() {
				<-ctx.Done()
				for range 20 {
					runtime.Gosched()
				}
			})
		}, func() {})
	}
	cause := errors.New("enough")
	s.Stop(cause)
	if err := s.Wait(); err != cause {
		t.Errorf("Wait() = %v, want %v", err, cause)
	}
	if got := tr.Now(); got != 0 {
		t.Errorf("%d goroutines still running after Wait", got)
	}
}

func TestWaitNilAndCancels(t *testing.T) {
	s, ctx := newScope(context.Background())
	s.Enter(1)
	go run(s, func() {}, func() {})
	if err := s.Wait(); err != nil {
		t.Errorf("Wait() = %v, want nil", err)
	}
	if !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Errorf("Cause after Wait = %v, want context.Canceled", context.Cause(ctx))
	}
	if err := s.Wait(); err != nil {
		t.Errorf("second Wait() = %v, want nil", err)
	}
}

func TestWaitParentCause(t *testing.T) {
	cause := errors.New("parent")
	parent, cancel := context.WithCancelCause(context.Background())
	s, ctx := newScope(parent)
	s.Enter(1)
	go run(s, func() { <-ctx.Done() }, func() {})
	cancel(cause)
	if err := s.Wait(); err != cause {
		t.Errorf("Wait() = %v, want %v", err, cause)
	}
}

func TestEnterAfterWait(t *testing.T) {
	s, _ := newScope(context.Background())
	s.Wait()
	if s.Enter(1) {
		t.Error("Enter after Wait = true, want false")
	}
}

// TestEnterRacesWait registers goroutines while Wait runs. Each Enter
// either comes first, and then Wait waits for its goroutine, or fails.
func TestEnterRacesWait(t *testing.T) {
	for range 2000 {
		s, _ := newScope(context.Background())
		var running sync.WaitGroup // goroutines that Enter let start
		var ran, joined int64
		var mu sync.Mutex
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				<-start
				if !s.Enter(1) {
					return
				}
				running.Add(1)
				go run(s, func() {
					mu.Lock()
					ran++
					mu.Unlock()
				}, running.Done)
			})
		}
		wg.Go(func() {
			<-start
			s.Wait()
			mu.Lock()
			joined = ran
			mu.Unlock()
		})
		close(start)
		wg.Wait()
		running.Wait()
		if joined != ran {
			t.Fatalf("Wait returned after %d of %d registered goroutines", joined, ran)
		}
	}
}

func TestPanicReraisedByEveryWait(t *testing.T) {
	s, ctx := newScope(context.Background())
	s.Enter(1)
	go run(s, func() { panic("boom") }, func() {})
	<-ctx.Done()
	perr, ok := context.Cause(ctx).(*panics.Error)
	if !ok || perr.Value != "boom" {
		t.Fatalf("Cause = %v, want the *panics.Error", context.Cause(ctx))
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			defer func() {
				if got := recover(); got != perr {
					t.Errorf("Wait panicked with %v, want the *panics.Error of the cause", got)
				}
			}()
			s.Wait()
		})
	}
	wg.Wait()
	func() {
		defer func() {
			if got := recover(); got != perr {
				t.Errorf("later Wait panicked with %v, want %v", got, perr)
			}
		}()
		s.Wait()
	}()
}

func TestGoexitCancels(t *testing.T) {
	s, ctx := newScope(context.Background())
	s.Enter(1)
	var causeAtFinish error
	go run(s, runtime.Goexit, func() { causeAtFinish = context.Cause(ctx) })
	if err := s.Wait(); !errors.Is(err, ErrGoexit) || err.Error() != "pipeline: a stage called runtime.Goexit" {
		t.Errorf("Wait() = %v, want an ErrGoexit that names the stage", err)
	}
	if !errors.Is(causeAtFinish, ErrGoexit) {
		t.Errorf("Cause when finish ran = %v, want %v", causeAtFinish, ErrGoexit)
	}
}

func TestNested(t *testing.T) {
	outer, octx := newScope(context.Background())
	inner, ictx := newScope(octx)
	if got := From(ictx); got != inner {
		t.Fatalf("From(inner ctx) = %p, want the inner scope %p", got, inner)
	}
	release := make(chan struct{})
	inner.Enter(1)
	go run(inner, func() { <-release }, func() {})
	waited := make(chan struct{})
	go func() {
		outer.Wait()
		close(waited)
	}()
	for range 100 {
		runtime.Gosched()
	}
	select {
	case <-waited:
		t.Fatal("outer Wait returned while a goroutine of the inner scope ran")
	default:
	}
	close(release)
	<-waited
	if inner.Enter(1) {
		t.Error("Enter on the inner scope after the outer Wait = true, want false")
	}
	inner.Wait()
}

func TestInitNilParent(t *testing.T) {
	conctest.Panics(t, "cannot create context from nil parent", func() {
		var nilCtx context.Context
		new(Scope).Init(nilCtx)
	})
}
