// Package pool runs values through a function on a bounded number of
// goroutines, started on demand and gone when there is no work.
//
// A Pool is the worker pool of the classic jobs-channel program, made safe:
// Submit never panics (it returns ErrClosed after Close), a panic in the work
// function is recovered with its stack and re-raised where the caller waits,
// Close returns only when every worker goroutine has exited, and a bounded
// queue gives backpressure that SubmitContext can give up on.
//
// There is no dispatcher goroutine and no timer. Submit appends to a FIFO
// queue under one mutex and wakes or starts a worker when fewer than size
// are alive; a worker takes values from the queue a few at a time, and
// exits when the queue stays empty, unless it is one of the few that sleep
// while another worker is busy, to be woken for the next value.
//
// Close runs the whole queue before it returns; Pool.Stop, for a shutdown
// under a deadline, lets only the values already running finish and hands
// back the rest.
//
// A Pool runs values for their effects: work returns nothing. For results
// and errors, use [group.Results] (tasks submitted one by one, results
// collected by Wait), [group.MapAll] (a slice in, a value or an error per
// item out), or [pipeline.Map] (a sequence in, results streamed out as they
// are ready).
//
// [group.Results]: https://pkg.go.dev/github.com/gopatterns/concurrency/group#Results
// [group.MapAll]: https://pkg.go.dev/github.com/gopatterns/concurrency/group#MapAll
// [pipeline.Map]: https://pkg.go.dev/github.com/gopatterns/concurrency/pipeline#Map
package pool

import (
	"errors"

	"github.com/gopatterns/concurrency/internal/panics"
)

// ErrClosed is returned by Submit and SubmitContext after Close or Stop.
var ErrClosed = errors.New("pool: closed")

// PanicError is a panic recovered from the work function, with the stack of
// the goroutine that panicked. Wait, Close and Stop re-panic with it when no
// panic handler is set; see Pool.SetPanicHandler.
//
// PanicError is an alias of an internal type, so go doc lists no fields
// here. It has two, set when the panic is recovered and never changed after:
//
//	Value any    // the value passed to panic
//	Stack []byte // the stack of the goroutine that panicked, from runtime/debug.Stack
//
// Error returns "panic: " and Value, then a blank line and Stack; Unwrap
// returns Value if it is an error, so that errors.Is and errors.As see
// through it. Being an alias, it prints as *panics.Error with %T; match it
// with a type switch or errors.As on *PanicError.
type PanicError = panics.Error
