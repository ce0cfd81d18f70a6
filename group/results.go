package group

import (
	"context"
	"sync"
)

// slotChunk is how many result slots Results allocates at once. Slots live
// in fixed arrays that never move, so a function can write its slot while
// later Go calls add more.
const slotChunk = 64

// Results is a Group whose functions each return a value; Wait returns the
// values in the order of the Go calls.
//
// A zero Results is valid, has no limit and does not cancel on error, like a
// zero Group. A Results is safe for concurrent use by multiple goroutines,
// except that SetLimit and JoinErrors must be called while no function of
// it runs; with concurrent Go calls, the order of the values is the order in
// which the calls reached the group, before any wait for the limit. A
// Results must not be copied after first use.
type Results[R any] struct {
	g Group

	mu     sync.Mutex
	n      int             // Go calls that started a function
	chunks []*[slotChunk]R // slot i is chunks[i/slotChunk][i%slotChunk]
}

// WithResults returns a new Results and a Context derived from ctx, which is
// cancelled as the one from WithContext is: with the first failure as its
// cause, or when Wait returns.
func WithResults[R any](ctx context.Context) (*Results[R], context.Context) {
	r := new(Results[R])
	return r, r.g.init(ctx)
}

// Go calls f in a new goroutine and keeps its value for Wait. It waits for
// the limit, calls f in every case and records failures as Group.Go does;
// it panics if f is nil.
func (r *Results[R]) Go(f func() (R, error)) {
	if f == nil {
		panic("group: Go with nil function")
	}
	r.mu.Lock()
	slot, seq := r.slot()
	r.n++
	r.mu.Unlock()
	r.g.eg.Go(r.g.task(storeIn(slot, f), seq))
}

// TryGo calls f in a new goroutine, as Go does, only if the group runs
// fewer functions than its limit, and reports whether it did; f is called
// if and only if TryGo returns true, and only then has a value in the
// result of Wait. It panics if f is nil.
func (r *Results[R]) TryGo(f func() (R, error)) bool {
	if f == nil {
		panic("group: TryGo with nil function")
	}
	// The lock is held across errgroup's TryGo, which never blocks, so
	// that the slot stays free for the next call when f is refused.
	r.mu.Lock()
	defer r.mu.Unlock()
	slot, seq := r.slot()
	if !r.g.eg.TryGo(r.g.task(storeIn(slot, f), seq)) {
		return false
	}
	r.n++
	return true
}

// SetLimit caps how many functions run at once, as Group.SetLimit does.
func (r *Results[R]) SetLimit(n int) {
	r.g.SetLimit(n)
}

// JoinErrors makes Wait return every error, joined with errors.Join in the
// order of the Go calls whose functions returned them, as Group.JoinErrors
// does. The values are still all or nothing: with any error, Wait returns
// nil values. JoinErrors must be called before the first Go.
func (r *Results[R]) JoinErrors() {
	r.g.JoinErrors()
}

// Wait blocks until every f has returned. If all succeeded, it returns
// their values in the order of the Go calls and a nil error; otherwise it
// returns nil values and the error Group.Wait would return: the first
// error, or every error joined under JoinErrors. Like Group.Wait, it
// cancels the context, may be called by several goroutines at once, and
// re-panics with the first *PanicError after every f has returned.
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

// slot returns the next free result slot and the number of its Go call,
// counting from 1, without taking the slot; the caller holds r.mu and
// increments r.n to take it.
func (r *Results[R]) slot() (*R, int64) {
	i := r.n % slotChunk
	if r.n == len(r.chunks)*slotChunk {
		r.chunks = append(r.chunks, new([slotChunk]R))
	}
	return &r.chunks[r.n/slotChunk][i], int64(r.n) + 1
}

// storeIn returns a function that calls f and stores its value in slot.
func storeIn[R any](slot *R, f func() (R, error)) func() error {
	return func() error {
		v, err := f()
		*slot = v
		return err
	}
}
