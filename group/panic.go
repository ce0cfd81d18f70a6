package group

import (
	"errors"

	"github.com/gopatterns/concurrency/internal/panics"
)

// PanicError is a panic recovered from a task, with the stack of the
// goroutine that panicked. Wait, Map and ForEach re-panic with it once every
// other task has returned; it is also the cause of the cancelled context.
// Flight.Do re-panics with it in every caller of a call whose function
// panicked.
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

// ErrGoexit is the error recorded for a task that called runtime.Goexit (as
// testing.T.FailNow does) instead of returning. The task's goroutine exits as
// runtime.Goexit demands; the group counts it as a failed task, cancels its
// context with ErrGoexit as the cause if it is the first error, and Wait
// returns it, because work that did not finish must not be reported as done.
// Flight.Do returns it to the callers of a call whose function called
// runtime.Goexit.
var ErrGoexit = errors.New("group: task called runtime.Goexit")
