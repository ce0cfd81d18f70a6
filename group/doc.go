// Package group runs related tasks in goroutines, waits for them, and reports
// their first error: a drop-in for golang.org/x/sync/errgroup, built on it.
//
// Group has errgroup's methods with errgroup's meaning: every function
// passed to Go, and every one for which TryGo returns true, is called, also
// after another failed; Go waits for the limit set with SetLimit; Wait
// returns the first error, or nil when every function succeeded, and
// cancels the context from WithContext, which the first error cancels too,
// with the error as its cause. What differs from errgroup:
//
//   - A panic in a function is recovered with its stack into a *PanicError.
//     It cancels the context at once, with the *PanicError as its cause, and
//     every call of Wait panics with it once every other function has
//     returned.
//   - A function that calls runtime.Goexit (as testing.T.FailNow does) fails
//     the group with ErrGoexit instead of passing for a success.
//   - JoinErrors makes Wait return every error, joined in the order of the
//     Go calls.
//
// # Panics
//
// errgroup v0.25 lets a panic in a function crash the program, on purpose
// (its source cites golang/go#53757, #74275, #74304 and #74306): carried to
// Wait, a panic is delayed, its stack becomes a value that crash reporters
// do not see, and if the panic left the program unable to reach Wait, it is
// never seen at all. This package carries it to Wait all the same, so that
// the caller can recover it, and answers part of that: the context is
// cancelled the moment the function panics, so siblings that watch it stop
// and Wait is reached soon; the *PanicError keeps the stack of the
// goroutine that panicked and prints it. What it cannot answer: a sibling
// that ignores the context, or a caller that blocks on something the
// panicking function was to deliver before it calls Wait, keeps Wait, and
// so the panic, waiting; the program then hangs where errgroup would have
// crashed. Functions that block should watch the context.
//
// # Results, Map, ForEach and MapAll
//
// Results collects one value per function in the order of the Go calls.
// Map, ForEach and MapAll apply a function to every element of a slice with
// a bounded number of goroutines; they claim the elements in small ranges,
// so the cost per element is a few nanoseconds. Map and ForEach stop at the
// first error and return it; MapAll runs every element and returns each
// element's value and error.
//
// # Flight
//
// Flight makes concurrent callers that ask for the same key share one call
// of a function, as golang.org/x/sync/singleflight does, with types and
// contexts: a caller whose context ends leaves at once, without failing
// the callers that still wait for the call.
package group
