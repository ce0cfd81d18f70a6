package cancel

import (
	"runtime"

	"github.com/gopatterns/concurrency/internal/panics"
)

// PanicError is a panic recovered from a function that [Do] or [First] ran
// on another goroutine, with that goroutine's stack. Do and First re-raise
// it in their caller with panic, so that the panic is never lost; Error
// prints the original value and stack, and Unwrap returns the value if it is
// an error. See [panics.Error] for the fields. A PanicError is not modified
// after it is raised, so it is safe to share between goroutines.
type PanicError = panics.Error

// outcome is how one call of a user function ended: it returned, it
// panicked, or it called runtime.Goexit.
type outcome[T any] struct {
	val      T
	err      error
	returned bool        // f returned normally; val and err are its results
	panic    *PanicError // f panicked
	goexit   bool        // f called runtime.Goexit
}

// recovered records why f did not return, from the value recover gave. A nil
// value means runtime.Goexit: since Go 1.21, panic(nil) panics with a
// *runtime.PanicNilError. It must be called from the deferred function that
// called recover, while f's frames are still on the stack.
func (o *outcome[T]) recovered(v any) {
	if v == nil {
		o.goexit = true
		return
	}
	o.panic = panics.New(v)
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
