package pipeline

import (
	"context"
	"sync"

	"github.com/gopatterns/concurrency/internal/scope"
)

// closedOnDone maps each open output channel of Stage and FanOut, as a
// <-chan T, to the done channel of its context. Once that done channel is
// closed, the output is closed as soon as a send in progress, if any,
// returns, so Merge under the same context can wait for such an input with
// a plain receive rather than a select on it and ctx.Done (see plainInput).
var closedOnDone sync.Map

// An output is the channel that Stage or a FanOut worker sends its results
// on. The worker closes it when its input is drained; when ctx is done, a
// function that context.AfterFunc calls closes it, even while f runs. The
// mutex keeps that close away from a send.
//
// Under a scope, the goroutine that runs the AfterFunc is registered with
// the scope too, from newOutput until it has closed the channel or finish
// has stopped it from starting, so that the scope's Wait joins it.
type output[T any] struct {
	mu     sync.Mutex
	ch     chan T
	done   <-chan struct{}
	closed bool
	stop   func() bool  // stops the AfterFunc; nil if ctx is never done
	scope  *scope.Scope // nil without a scope
}

// newOutput returns the output of a worker that is registered with s (nil
// without a scope).
func newOutput[T any](ctx context.Context, s *scope.Scope) *output[T] {
	o := &output[T]{ch: make(chan T, buffer), done: ctx.Done()}
	if o.done != nil {
		closedOnDone.Store((<-chan T)(o.ch), o.done)
		if s == nil {
			o.stop = context.AfterFunc(ctx, o.close)
		} else {
			// The worker is registered, so s cannot end before this.
			s.Enter(1)
			o.scope = s
			o.stop = context.AfterFunc(ctx, func() {
				defer s.Exit()
				o.close()
			})
		}
	}
	return o
}

// send delivers v and reports true, or reports false once ctx is done. A
// value computed after ctx is done is dropped: a receiver waiting on o.ch
// (Merge's, with a plain receive) would otherwise take it straight away.
func (o *output[T]) send(v T) bool {
	if o.stop == nil {
		return send(o.done, o.ch, v) // nothing else closes o.ch
	}
	select {
	case <-o.done:
		return false
	default:
	}
	o.mu.Lock()
	ok := !o.closed && send(o.done, o.ch, v)
	o.mu.Unlock()
	return ok
}

// finish closes the channel, if ctx did not, when the worker returns.
func (o *output[T]) finish() {
	if o.stop != nil && o.stop() && o.scope != nil {
		o.scope.Exit() // the AfterFunc will not run
	}
	o.close()
}

func (o *output[T]) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return
	}
	o.closed = true
	if o.done != nil {
		closedOnDone.Delete((<-chan T)(o.ch))
	}
	close(o.ch)
}
