package pipeline

import (
	"context"
	"runtime"
)

// send delivers v on out and reports true, or reports false once done is
// closed. The first select is the fast path: a receiver is waiting or a
// buffer slot is free, and no ctx bookkeeping is needed.
//
// A sender that waited for room and finds out full again yields once: the
// receiver that woke it put it next in line, ahead of the receivers woken
// with that one (as workers whose sleeps end together are), which would
// otherwise wake it again for every value they take. After the yield it
// fills the room they made in one go. A sender that finds room already
// made goes on at once.
func send[T any](done <-chan struct{}, out chan<- T, v T) bool {
	select {
	case out <- v:
		return true
	default:
	}
	select {
	case out <- v:
		if len(out) == cap(out) {
			runtime.Gosched()
		}
		return true
	case <-done:
		return false
	}
}

// recv receives from in. It reports false when in is closed or done is
// closed; done is checked first, so that a stage stops taking values soon
// after ctx ends even while values keep arriving.
func recv[T any](done <-chan struct{}, in <-chan T) (v T, ok bool) {
	select {
	case <-done:
		return v, false
	default:
	}
	select {
	case v, ok = <-in:
		return v, ok
	default:
	}
	select {
	case v, ok = <-in:
		return v, ok
	case <-done:
		return v, false
	}
}

func mustContext(ctx context.Context) {
	if ctx == nil {
		panic("pipeline: nil context")
	}
}

func mustInput[T any](in <-chan T) {
	if in == nil {
		panic("pipeline: nil input channel")
	}
}

// closed returns a closed channel: the output of a channel function called
// under a scope whose Wait has returned.
func closed[T any]() chan T {
	ch := make(chan T)
	close(ch)
	return ch
}

// buffer is the capacity of every channel that a stage returns. A buffer
// lets neighbouring stages run without a goroutine switch per value, which
// makes a pipeline several times faster than one of unbuffered channels.
const buffer = 64
