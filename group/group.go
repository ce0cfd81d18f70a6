package group

import (
	"context"
	"sync"
	"sync/atomic"
)

// A Group runs the parts of one job in goroutines and waits for them. Its
// methods mean what they mean on golang.org/x/sync/errgroup.Group, so
// replacing that type with this one changes no working program, unless it
// depends on which goroutine runs an f under a limit (see SetLimit).
//
// The zero value is ready to use: it runs any number of goroutines at once
// and has no context to cancel; it still recovers panics and can join
// errors. A Group is safe for concurrent use by multiple goroutines, except
// that SetLimit and JoinErrors must be called before the first Go. A Group
// must not be copied after first use, and should not be reused for a
// different task: the first error stays recorded and the context stays done.
type Group struct {
	ctx    context.Context         // nil for a zero Group
	cancel context.CancelCauseFunc // nil for a zero Group

	lim   *limiter      // nil means no limit
	stops []func() bool // unregister the calls of limiter.stop at the context's end

	join    bool         // set by JoinErrors
	seq     atomic.Int64 // numbers the Go calls when join is set
	skipped atomic.Bool  // some f was not started because ctx was done

	mu   sync.Mutex
	err  error       // the first error
	errs []seqError  // every error, when join is set
	perr *PanicError // the first panic

	// wg is written by Go and by every goroutine as its f ends; the
	// padding keeps it off the cache line of the fields that every
	// goroutine reads, ctx and lim.
	_  [64]byte
	wg sync.WaitGroup
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
	g.ctx, g.cancel = context.WithCancelCause(ctx)
	return g.ctx
}

// Go runs f in a goroutine of the group: a new one, or under a limit one
// whose f has returned (see SetLimit). Call it before Wait, not after Wait
// has begun (except from inside another f of the group). With a limit set,
// Go waits while the group already runs that many functions.
//
// When an f returns an error and it is the group's first, the context from
// WithContext is cancelled and Wait will report that error. Once the context
// is done, no f starts: Go returns without starting it, an f whose goroutine
// had not yet called it is skipped, and Wait then returns the
// first error, or context.Cause(ctx) if no f failed. A Go that is waiting
// for the limit when the context ends returns at once without starting f.
// Go panics if f is nil.
func (g *Group) Go(f func() error) {
	if f == nil {
		panic("group: Go with nil function")
	}
	if g.done() {
		g.skipped.Store(true)
		return
	}
	g.submit(g.newTask(f))
}

// TryGo is Go without the wait: when the group already runs as many
// goroutines as its limit allows, it returns false and leaves f alone.
// Otherwise it starts f as Go does and returns true.
//
// Once the group's context is done, TryGo, like Go, does not start f and
// returns true, and Wait returns the first error or context.Cause(ctx), so
// that a loop that retries TryGo cannot spin on a cancelled group. TryGo
// panics if f is nil.
func (g *Group) TryGo(f func() error) bool {
	if f == nil {
		panic("group: TryGo with nil function")
	}
	return g.trySubmit(func() task { return g.newTask(f) })
}

// JoinErrors makes Wait return every error of the group, joined with
// errors.Join in the order of the Go calls whose functions returned them,
// instead of the first error only. The first error still cancels the
// context from WithContext; use a zero Group to run every task to the end.
// JoinErrors must be called before the first Go.
func (g *Group) JoinErrors() {
	g.join = true
}

// Wait returns once every f passed to Go or TryGo has returned. Its result
// is the first error an f returned, or nil (every error, with
// JoinErrors). If some f was not started because the group's context was
// done and no f failed, Wait returns context.Cause(ctx). Wait cancels the
// group's context before it returns.
//
// If an f panicked, Wait panics with the first *PanicError instead, after
// every other f has returned: a panic is not lost, and the goroutine that
// waits sees it with the stack of the goroutine that panicked.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.mu.Lock()
	first, perr := g.err, g.perr
	err := first
	if g.join && len(g.errs) > 0 {
		err = joinInOrder(g.errs)
	}
	g.mu.Unlock()
	for _, stop := range g.stops {
		// Every f of the group has ended: no Go waits.
		stop()
	}
	g.stops = nil
	if err == nil && g.skipped.Load() {
		// Skipped only happens with a context, so g.ctx is not nil.
		err = context.Cause(g.ctx)
	}
	if g.cancel != nil {
		g.cancel(first)
	}
	if perr != nil {
		panic(perr)
	}
	return err
}

// done reports whether the group's context is done.
func (g *Group) done() bool {
	return g.ctx != nil && g.ctx.Err() != nil
}

// newTask makes f a task, numbered when the group joins errors.
func (g *Group) newTask(f func() error) task {
	t := task{f: f}
	if g.join {
		t.seq = g.seq.Add(1)
	}
	return t
}

// submit runs t, waiting while the group is at its limit. It returns without
// running t if the group's context ends during the wait.
func (g *Group) submit(t task) {
	g.wg.Add(1)
	l := g.lim
	if l == nil {
		go g.worker(nil, t)
		return
	}
	if !l.enter(g, t) {
		g.skipped.Store(true)
		g.wg.Done()
	}
}

// trySubmit runs the task newTask makes if the group is below its limit,
// and reports whether it did; on a done group it reports true and runs
// nothing. newTask is called only once the task has its slot.
func (g *Group) trySubmit(newTask func() task) bool {
	if g.done() {
		g.skipped.Store(true)
		return true
	}
	l := g.lim
	if l == nil {
		g.submit(newTask())
		return true
	}
	if !l.tryTake() {
		return false
	}
	g.wg.Add(1)
	go g.worker(l, newTask())
	return true
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
