package pipeline

import (
	"context"

	"github.com/gopatterns/concurrency/internal/scope"
)

// A Scope joins the goroutines of channel stages. Every goroutine that
// [Generate], [FromSeq], [Stage], [FanOut], [StageContext],
// [FanOutContext], [Merge], [Tee], [Batch] (and ratelimit.Throttle) starts with the scope's context, or a context derived
// from it, registers with the scope, and [Scope.Wait] waits for them all.
// The scope is found through the context's values, under a key private to
// the module, so a context made from the scope's context with
// context.WithTimeout, WithValue and so on leads to it too. A scope made
// under another scope's context is nested: its goroutines register with
// both, and each Wait joins them. A panic among them belongs to the inner
// scope: it cancels the inner scope's context, not the outer one's, and
// only the inner scope's Wait re-raises it, so call that Wait too.
//
// Under a scope, a panic in a stage's f, in the seq of FromSeq, or in
// Throttle's limiter does not crash the program: it is recovered as a
// *[PanicError] that cancels the scope's context with it as the cause, so
// that the pipeline winds down, and Wait re-raises it. A call of
// runtime.Goexit there (as t.FailNow makes) cancels the context with an
// error matching [ErrGoexit], which Wait then returns. An error returned by
// the function of [StageContext] or [FanOutContext] stops the scope with
// that error as the cause, which Wait then returns. Like a panic, an error
// belongs to the innermost scope.
//
// The zero value is an empty scope without a context: nothing can register
// with it, Stop does nothing and Wait returns nil at once; use [WithScope].
// A Scope is safe for concurrent use and must not be copied after first
// use.
type Scope struct {
	s scope.Scope
}

// WithScope returns a new Scope and its context, derived from ctx. Pass the
// context, or contexts derived from it, to the channel functions whose
// goroutines the scope is to join. WithScope panics if ctx is nil.
func WithScope(ctx context.Context) (*Scope, context.Context) {
	mustContext(ctx)
	s := new(Scope)
	return s, s.s.Init(ctx)
}

// Stop cancels the scope's context with cause (context.Canceled if cause is
// nil), so that every stage under it stops, as a consumer that stops
// reading early must before it calls Wait. Stop does not wait; after the
// first call, later ones do nothing.
func (s *Scope) Stop(cause error) {
	s.s.Stop(cause)
}

// Wait blocks until every goroutine registered with the scope has returned:
// then no stage's f is running, and every output channel of the scope's
// stages is closed. Wait does not cancel the context first: a pipeline that
// is read to the end finishes on its own, and one whose consumer stops
// early must be stopped with Stop, or by cancelling the parent context,
// before Wait, or Wait blocks as long as the stages do.
//
// If a registered goroutine panicked, every call of Wait panics with the
// first *[PanicError]. Otherwise Wait returns context.Cause of the scope's
// context if the context was done when the last goroutine returned (or, if
// none was running, when Wait was called), and nil if it was not. Then
// Wait cancels the context. Wait may be called from several goroutines and
// more than once: every call waits and returns the same.
//
// A channel function called with the scope's context after Wait returned
// starts no goroutine: its outputs are closed at once.
//
// A stage's f must not call Wait on its own scope: Wait would wait for the
// goroutine that called it, and never return.
func (s *Scope) Wait() error {
	return s.s.Wait()
}
