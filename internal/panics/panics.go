// Package panics holds the one panic type shared by every package of the
// module, and the helper that recovers into it.
//
// Users never name this package: pool, pipeline, group and cancel each
// re-export Error as PanicError, a type alias (type PanicError =
// panics.Error), so that a panic from any of them is the same type. Since
// go doc does not show the fields of an aliased type, each alias's doc
// comment lists Value and Stack itself; keep those in step with Error. An
// alias has no name of its own at run time: %T prints *panics.Error, and so
// do panic messages and stack traces.
package panics

import (
	"fmt"
	"runtime/debug"
)

// Error is a panic recovered from user code, with the stack of the goroutine
// that panicked. It is an error so that it can travel where errors travel,
// and it is re-raised with panic where the caller waits, so that a panic is
// never lost.
type Error struct {
	Value any    // what was passed to panic
	Stack []byte // stack of the goroutine that panicked, from runtime/debug.Stack
}

// Error returns "panic: <value>" followed by a blank line and the stack.
func (e *Error) Error() string {
	return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns Value if it is an error, else nil, so that errors.Is and
// errors.As see through a panic with an error value.
func (e *Error) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// New returns an *Error for v with the stack of the calling goroutine. It is
// meant to be called from a deferred function right after recover, so that
// the stack still holds the frames of the function that panicked.
func New(v any) *Error {
	return &Error{Value: v, Stack: debug.Stack()}
}

// Try calls f and returns nil, or an *Error if f panicked. The deferred
// recover runs on f's goroutine before the stack unwinds, so the returned
// Stack names the function that panicked.
//
// A call of runtime.Goexit in f is not a panic: Try does not return and the
// goroutine exits, running its deferred calls, as it would without Try.
func Try(f func()) *Error {
	return Call(f, nil)
}

// Call is Try that also tells a panic from runtime.Goexit: if f calls
// runtime.Goexit, Call calls goexit, unless it is nil, from a deferred call
// as the goroutine exits. A recovered nil does not tell them apart, since
// GODEBUG=panicnil=1 makes recover return nil for panic(nil); so Call
// watches whether the recovering function returns, which after
// runtime.Goexit it does not. A panic(nil) then comes back as an *Error
// whose Value is nil.
func Call(f func(), goexit func()) (perr *Error) {
	returned, recovered := false, false
	defer func() {
		if !returned && !recovered && goexit != nil {
			goexit()
		}
	}()
	func() {
		defer func() {
			if !returned {
				perr = New(recover())
			}
		}()
		f()
		returned = true
	}()
	recovered = !returned
	return perr
}
