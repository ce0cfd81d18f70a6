package cancel

import (
	"context"
	"runtime"

	"github.com/gopatterns/concurrency/internal/panics"
)

// PanicError is a panic recovered from a function that [Do] or [First] ran
// on another goroutine, with that goroutine's stack. Do and First re-raise
// it in their caller with panic, so that the panic is never lost. A
// PanicError is not modified after it is raised, so it is safe to share
// between goroutines.
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

// outcome is how one call of a user function ended: it returned, it
// panicked, or it called runtime.Goexit. Both Do and First tell the last two
// apart with panics.Call, not by a nil from recover: under
// GODEBUG=panicnil=1 recover returns nil for panic(nil) too.
type outcome[T any] struct {
	val      T
	err      error
	returned bool        // f returned normally; val and err are its results
	panic    *PanicError // f panicked
	goexit   bool        // f called runtime.Goexit
}

// unpack returns f's results in the caller, or re-raises there how f ended:
// a panic as the *PanicError, a runtime.Goexit as runtime.Goexit.
func (o *outcome[T]) unpack() (T, error) {
	switch {
	case o.panic != nil:
		panic(o.panic)
	case o.goexit:
		runtime.Goexit()
	}
	return o.val, o.err
}

// aborted records in out a call o that panicked or called runtime.Goexit,
// cancelling the calls' context with its cause (the first panic wins), and
// reports whether o was such a call. First and Hedge share it.
func (out *outcome[T]) aborted(o *outcome[T], cancel context.CancelCauseFunc) bool {
	switch {
	case o.panic != nil:
		if out.panic == nil {
			out.panic = o.panic
			cancel(o.panic)
		}
	case o.goexit:
		out.goexit = true
		cancel(errGoexit)
	default:
		return false
	}
	return true
}
