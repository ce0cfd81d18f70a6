package group

import (
	"context"
	"sync"
)

// slotChunk is how many result slots Results allocates at once. Slots live
// in fixed arrays that never move, so a task can write its slot while later
// Go calls add more.
const slotChunk = 64

// Results is a Group whose tasks each return a value; Wait returns the
// values in the order of the Go calls.
//
// A zero Results is valid, has no limit and does not cancel on error, like a
// zero Group. A Results is safe for concurrent use by multiple goroutines,
// except that SetLimit must be called before the first Go; with concurrent
// Go calls, the order of the values is the order in which the calls reached
// the group, before any wait for the limit. A Results must not be copied
// after first use.
type Results[R any] struct {
	g Group

	mu     sync.Mutex
	n      int             // Go calls that started a task
	chunks []*[slotChunk]R // slot i is chunks[i/slotChunk][i%slotChunk]
}

// WithResults returns a new Results and a Context derived from ctx, which is
// cancelled as the one from WithContext is: with the first error as its
// cause, or when Wait returns.
func WithResults[R any](ctx context.Context) (*Results[R], context.Context) {
	r := new(Results[R])
	return r, r.g.init(ctx)
}

// Go calls f in a goroutine of the group and keeps its value for Wait. It blocks,
// stops and reports errors as Group.Go does; it panics if f is nil.
func (r *Results[R]) Go(f func() (R, error)) {
	if f == nil {
		panic("group: Go with nil function")
	}
	if r.g.done() {
		r.g.skipped.Store(true)
		return
	}
	r.g.submit(r.task(f))
}

// TryGo calls f in a goroutine of the group only if the number of active
// goroutines is below the limit, as Group.TryGo does, and reports whether f
// was accepted. It panics if f is nil.
func (r *Results[R]) TryGo(f func() (R, error)) bool {
	if f == nil {
		panic("group: TryGo with nil function")
	}
	return r.g.trySubmit(func() task { return r.task(f) })
}

// SetLimit limits the number of active goroutines to at most n, as
// Group.SetLimit does.
func (r *Results[R]) SetLimit(n int) {
	r.g.SetLimit(n)
}

// Wait blocks until every f has returned. If all succeeded, it returns their
// values in the order of the Go calls and a nil error; otherwise it returns
// nil and the error Group.Wait would return (the first error, or
// context.Cause(ctx) if some f was not started because the context was
// done). Like Group.Wait, it re-panics with the first *PanicError.
func (r *Results[R]) Wait() ([]R, error) {
	if err := r.g.Wait(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]R, 0, r.n)
	for _, c := range r.chunks {
		out = append(out, c[:min(slotChunk, r.n-len(out))]...)
	}
	return out, nil
}

// task gives f the next result slot and makes it a task of the group.
func (r *Results[R]) task(f func() (R, error)) task {
	slot := r.slot()
	return r.g.newTask(func() error {
		v, err := f()
		*slot = v
		return err
	})
}

// slot returns the next free result slot.
func (r *Results[R]) slot() *R {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := r.n % slotChunk
	if i == 0 {
		r.chunks = append(r.chunks, new([slotChunk]R))
	}
	r.n++
	return &r.chunks[len(r.chunks)-1][i]
}
