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
package pool

import (
	"errors"

	"github.com/gopatterns/concurrency/internal/panics"
)

// ErrClosed is returned by Submit and SubmitContext after Close.
var ErrClosed = errors.New("pool: closed")

// PanicError is a panic recovered from the work function, with the stack of
// the goroutine that panicked. Wait and Close re-panic with it when no panic
// handler is set; see Pool.SetPanicHandler.
type PanicError = panics.Error
