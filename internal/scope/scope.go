// Package scope is the registry of goroutines behind pipeline.Scope: the
// channel functions of pipeline and ratelimit.Throttle register every
// goroutine they start with the scope of their context, so that one Wait
// joins them all.
package scope

import (
	"context"
	"errors"
	"sync"

	"github.com/gopatterns/concurrency/internal/panics"
)

// key is the context key under which a scope's context holds its *Scope.
// It is private to this package, so only Init can set it, and a context
// derived from a scope's context finds the scope with [From].
type key struct{}

// A Scope counts the goroutines registered with it and joins them in Wait.
// The zero value has no context: nothing can register with it, Stop does
// nothing, and Wait returns nil at once. A Scope is safe for concurrent
// use and must not be copied after Init.
//
// A mutex and a counter, rather than a sync.WaitGroup, keep the count: a
// goroutine registered after Wait returned must fail to register, not race
// with Wait on a WaitGroup that is being reused.
type Scope struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	parent *Scope // the scope of the parent context, if any

	mu       sync.Mutex
	running  int           // registered goroutines that have not returned
	waiting  bool          // Wait was called
	finished bool          // Wait found running == 0; no more registrations
	done     chan struct{} // closed when finished
	err      error         // what Wait returns
	panicked *panics.Error // the first panic, which Wait re-raises
}

// Init makes s a scope whose context is derived from parent, and returns
// that context. A scope in parent, if any, becomes s's parent: every
// goroutine registered with s is registered with it too, since s's context
// is derived from its own.
func (s *Scope) Init(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent) // panics on a nil parent
	s.parent = From(parent)
	s.ctx = context.WithValue(ctx, key{}, s)
	s.cancel = cancel
	s.done = make(chan struct{})
	return s.ctx
}

// From returns the scope of ctx: the innermost scope whose context ctx is
// or is derived from. It returns nil if there is none.
func From(ctx context.Context) *Scope {
	s, _ := ctx.Value(key{}).(*Scope)
	return s
}

// Stop cancels the scope's context with cause. It does not wait.
func (s *Scope) Stop(cause error) {
	if s.cancel != nil {
		s.cancel(cause)
	}
}

// Enter registers n goroutines with s and with every enclosing scope, and
// reports whether it did. It reports false, and registers nothing, once
// Wait has returned for s or an enclosing scope: the caller then starts no
// goroutine. A nil s has nothing to register with and reports true.
func (s *Scope) Enter(n int) bool {
	for t := s; t != nil; t = t.parent {
		if !t.enter(n) {
			for u := s; u != t; u = u.parent {
				u.exit(n)
			}
			return false
		}
	}
	return true
}

func (s *Scope) enter(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return false
	}
	s.running += n
	return true
}

// Catch recovers a panic in a goroutine registered with s. The goroutine
// defers it after the calls that close its outputs and sets *returned
// when its work returns normally:
//
//	defer s.Exit()
//	defer close(out)
//	returned := false
//	defer s.Catch(&returned)
//	work()
//	returned = true
//
// so that a panic, recovered as a *panics.Error, cancels the scope's
// context with it as the cause before the outputs close, and whoever reads
// them sees the context done; Wait re-raises the first such panic. A call
// of runtime.Goexit in work (t.FailNow in a test) cancels the context with
// an error matching ErrGoexit, so that the pipeline does not pass for
// complete. With a nil
// s, Catch does nothing and a panic goes on: without a scope, nobody waits
// to be handed it.
func (s *Scope) Catch(returned *bool) {
	if s == nil || *returned {
		return
	}
	// recover returns nil only during runtime.Goexit (or for panic(nil)
	// under GODEBUG=panicnil=1, which then counts as one).
	if v := recover(); v != nil {
		s.fail(panics.New(v))
	} else {
		s.cancel(errStageGoexit)
	}
}

// ErrGoexit is what every error about a call of runtime.Goexit matches
// with errors.Is; pipeline exports it.
var ErrGoexit = errors.New("pipeline: runtime.Goexit was called")

// GoexitError is an error, matching ErrGoexit, that says who called
// runtime.Goexit.
type GoexitError string

func (e GoexitError) Error() string { return string(e) }

// Is reports whether target is ErrGoexit.
func (e GoexitError) Is(target error) bool { return target == ErrGoexit }

// errStageGoexit is the cause with which a scope's context is cancelled
// when a registered goroutine calls runtime.Goexit.
const errStageGoexit = GoexitError("pipeline: a stage called runtime.Goexit")

// fail records perr, if it is the first panic, and cancels the context
// with it as the cause.
func (s *Scope) fail(perr *panics.Error) {
	s.mu.Lock()
	if s.panicked == nil {
		s.panicked = perr
	}
	s.mu.Unlock()
	s.cancel(perr)
}

// Exit unregisters one goroutine from s and every enclosing scope. A
// registered goroutine defers it first, so that it runs last. With a nil s
// it does nothing.
func (s *Scope) Exit() {
	for t := s; t != nil; t = t.parent {
		t.exit(1)
	}
}

func (s *Scope) exit(n int) {
	s.mu.Lock()
	s.running -= n
	if s.running == 0 && s.waiting && !s.finished {
		s.finishLocked()
	}
	s.mu.Unlock()
}

// finishLocked ends the scope: it takes what Wait returns from the context
// as it is now, before Wait cancels it, and releases every Wait.
func (s *Scope) finishLocked() {
	s.finished = true
	if s.ctx.Err() != nil {
		s.err = context.Cause(s.ctx)
	}
	close(s.done)
}

// Wait blocks until every goroutine registered with s has returned. Then
// it panics with the first recovered panic, if any; otherwise it returns
// context.Cause of the scope's context if that was done when the last
// goroutine returned (or when Wait was called, if none was running), else
// nil. The context is cancelled when Wait returns, and no goroutine can
// register afterwards. Every call, concurrent or later, returns the same.
func (s *Scope) Wait() error {
	if s.done == nil {
		return nil // the zero Scope
	}
	s.mu.Lock()
	if !s.waiting && s.running == 0 {
		s.finishLocked()
	}
	s.waiting = true
	s.mu.Unlock()
	<-s.done
	// Each Wait cancels the context itself, rather than the goroutine that
	// finished the scope, so that the context is done whenever a Wait has
	// returned.
	s.cancel(context.Canceled)
	if s.panicked != nil {
		panic(s.panicked)
	}
	return s.err
}
