package group

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/gopatterns/concurrency/internal/panics"
)

// A Group runs the parts of one job in goroutines and waits for them. It is
// built on golang.org/x/sync/errgroup.Group, which starts, limits and waits
// for its goroutines, so Go, TryGo, SetLimit and Wait mean what they mean
// there; the Group records around each function how it ended, which adds
// the panics, ErrGoexit and JoinErrors that the package documentation
// lists.
//
// The zero value is ready to use: it runs any number of goroutines at once
// and has no context to cancel; it still recovers panics and can join
// errors. A Group is safe for concurrent use by multiple goroutines, Wait
// included, except that SetLimit and JoinErrors must be called while no
// function of the group runs. A Group must not be copied after first use,
// and should not be reused for a different task: the first error stays
// recorded and the context stays done.
type Group struct {
	eg     errgroup.Group
	cancel context.CancelCauseFunc // nil for a zero Group

	join bool         // set by JoinErrors
	seq  atomic.Int64 // numbers the Go calls when join is set

	mu   sync.Mutex
	err  error       // the first error
	errs []seqError  // every error, when join is set
	perr *PanicError // the first panic
}

// WithContext returns a Group together with a child of ctx that the group
// cancels at its first failure, with the failure as the cause (the error,
// the *PanicError or ErrGoexit), or else when Wait returns, with cause
// context.Canceled.
func WithContext(ctx context.Context) (*Group, context.Context) {
	g := new(Group)
	return g, g.init(ctx)
}

// init makes g cancel a context derived from ctx, and returns that context.
func (g *Group) init(ctx context.Context) context.Context {
	ctx, g.cancel = context.WithCancelCause(ctx)
	return ctx
}

// Go calls f in a new goroutine. With a limit set, Go first waits until the
// group runs fewer functions than the limit, however long that takes: it
// does not watch the group's context. The first call of Go must happen
// before a Wait.
//
// f is called in every case, also after another f failed or the context
// was cancelled; an f that should not start work then checks the context
// itself (or the caller uses Map or ForEach, which stop). The first f to
// fail (return an error, panic or call runtime.Goexit) cancels the context
// from WithContext with the failure as its cause. Go panics if f is nil.
func (g *Group) Go(f func() error) {
	if f == nil {
		panic("group: Go with nil function")
	}
	g.eg.Go(g.task(f, g.next()))
}

// TryGo calls f in a new goroutine, as Go does, only if the group runs
// fewer functions than its limit, and reports whether it did. When it
// returns true, f is called as with Go; when it returns false, f is never
// called. TryGo panics if f is nil.
func (g *Group) TryGo(f func() error) bool {
	if f == nil {
		panic("group: TryGo with nil function")
	}
	return g.eg.TryGo(g.task(f, g.next()))
}

// SetLimit caps how many functions of the group run at once: n >= 0 is the
// cap (0 lets none start, so Go waits for ever and TryGo returns false),
// n < 0 removes it. Changing a cap while functions started under it still
// run panics, with the message errgroup uses behind a "group: " prefix.
func (g *Group) SetLimit(n int) {
	defer func() {
		if v := recover(); v != nil {
			panic(fmt.Errorf("group: %s", strings.TrimPrefix(fmt.Sprint(v), "errgroup: ")))
		}
	}()
	g.eg.SetLimit(n)
}

// JoinErrors makes Wait return every error of the group, joined with
// errors.Join in the order of the Go calls whose functions returned them,
// instead of the first error only. The first error still cancels the
// context from WithContext; use a zero Group to run every function to the
// end undisturbed. JoinErrors must be called before the first Go.
func (g *Group) JoinErrors() {
	g.join = true
}

// Wait returns once every f passed to Go, and every f for which TryGo
// returned true, has returned. Its result is the first error an f returned
// (every error, with JoinErrors), or nil if every f succeeded, even if the
// parent context was cancelled meanwhile. Wait cancels the group's context
// before it returns. Several goroutines may call Wait at once; each returns
// the same result.
//
// If an f panicked, every Wait panics instead with the first *PanicError,
// after every other f has returned: the panic is not lost, and it carries
// the stack of the goroutine that panicked (see the package documentation
// for how this differs from errgroup).
func (g *Group) Wait() error {
	g.eg.Wait() // the tasks return nil to errgroup: errors are kept here
	g.mu.Lock()
	first, perr := g.err, g.perr
	err := first
	if g.join && len(g.errs) > 0 {
		err = joinInOrder(g.errs)
	}
	g.mu.Unlock()
	if g.cancel != nil {
		g.cancel(first)
	}
	if perr != nil {
		panic(perr)
	}
	return err
}

// next numbers a Go call when the group joins errors.
func (g *Group) next() int64 {
	if !g.join {
		return 0
	}
	return g.seq.Add(1)
}

// task returns the function that errgroup runs for f, the f of Go call seq.
// It records how f ended and always returns nil: the group keeps the
// errors, so that a panic or runtime.Goexit fails it like an error does.
func (g *Group) task(f func() error, seq int64) func() error {
	t, _ := tasks.Get().(*task)
	if t == nil {
		t = new(task)
		t.call = t.run
	}
	t.g, t.f, t.seq = g, f, seq
	return t.call
}

// run calls f and records how it ended: error, panic or runtime.Goexit. A
// panic is recovered; after runtime.Goexit the goroutine exits once the
// failure is recorded, and errgroup counts it done as it unwinds.
func (g *Group) run(f func() error, seq int64) {
	perr := panics.Call(func() {
		if err := f(); err != nil {
			g.fail(err, seq)
		}
	}, func() { g.fail(ErrGoexit, seq) })
	if perr != nil {
		g.panicked(perr)
	}
}

// fail records err, returned by the f of Go call seq, and cancels the
// context if err is the first error.
func (g *Group) fail(err error, seq int64) {
	g.mu.Lock()
	first := g.err == nil
	if first {
		g.err = err
	}
	if g.join {
		g.errs = append(g.errs, seqError{seq, err})
	}
	g.mu.Unlock()
	if first && g.cancel != nil {
		g.cancel(err)
	}
}

// panicked records perr, a panic recovered from an f, and cancels the
// context with it as the cause, at once: siblings that watch the context
// stop, so that Wait, and with it the panic, is reached soon.
func (g *Group) panicked(perr *PanicError) {
	g.mu.Lock()
	if g.perr == nil {
		g.perr = perr
	}
	g.mu.Unlock()
	if g.cancel != nil {
		g.cancel(perr)
	}
}
