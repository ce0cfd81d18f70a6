package pipeline

import (
	"context"

	"github.com/gopatterns/concurrency/internal/scope"
)

// StageContext is [Stage] for a function that does I/O: f gets the
// stage's context, to pass on to the calls it makes, and may fail. The
// returned channel delivers f(ctx, v) for each value v received from in,
// in order, computed by one goroutine. It is closed when in is closed and
// drained, or as soon as ctx is done, even while f runs: its result is
// then dropped.
//
// An error of f must go somewhere, so StageContext must be called with
// the context of a [Scope], or one derived from it. The first error stops
// the scope (the innermost one, when scopes nest), as [Scope.Stop] does,
// with that error as the cause: every stage under the scope winds down,
// and [Scope.Wait] returns the error (unless the scope's context was done
// before, for another cause, which Wait then returns). The value whose f
// failed is not delivered, and the stage takes no further value. A panic
// in f, and a call of runtime.Goexit, are handled as in every stage under
// a scope: the panic is re-raised by Wait, and Goexit makes Wait return an
// error matching [ErrGoexit].
//
// StageContext panics, in the caller, if ctx, in or f is nil, and if ctx
// belongs to no Scope ("pipeline: StageContext needs the context of a
// Scope"): without a scope there is nobody to hand an error to.
func StageContext[T, R any](ctx context.Context, in <-chan T, f func(context.Context, T) (R, error)) <-chan R {
	s := mustScope(ctx, in, f == nil, "StageContext")
	if !s.Enter(1) {
		return closed[R]()
	}
	out := newOutput[R](ctx, s)
	go applyContext(ctx, s, in, out, f)
	return out.ch
}

// FanOutContext is [FanOut] for a function that does I/O, as
// [StageContext] is for [Stage]: it starts n goroutines that each receive
// values from in and send f(ctx, v) on their own output channel, and
// returns those n channels. The first error of f, in any of them, stops
// the scope with that error as the cause, and [Scope.Wait] returns it.
//
// FanOutContext panics, in the caller, if ctx, in or f is nil, if n < 1,
// and if ctx belongs to no Scope ("pipeline: FanOutContext needs the
// context of a Scope").
func FanOutContext[T, R any](ctx context.Context, in <-chan T, n int, f func(context.Context, T) (R, error)) []<-chan R {
	mustContext(ctx)
	if n < 1 {
		panic("pipeline: n < 1")
	}
	s := mustScope(ctx, in, f == nil, "FanOutContext")
	outs := make([]<-chan R, n)
	if !s.Enter(n) {
		for i := range outs {
			outs[i] = closed[R]()
		}
		return outs
	}
	for i := range outs {
		out := newOutput[R](ctx, s)
		outs[i] = out.ch
		go applyContext(ctx, s, in, out, f)
	}
	return outs
}

// mustScope returns the scope of ctx, after checking the arguments of the
// function named fn, and panics if there is none.
func mustScope[T any](ctx context.Context, in <-chan T, nilFunc bool, fn string) *scope.Scope {
	mustContext(ctx)
	mustInput(in)
	if nilFunc {
		panic("pipeline: nil f")
	}
	s := scope.From(ctx)
	if s == nil {
		panic("pipeline: " + fn + " needs the context of a Scope")
	}
	return s
}

// applyContext sends f(ctx, v) on out for every v from in, then closes
// out. It stops when out's context is done, or at the first error of f,
// which stops the scope first.
func applyContext[T, R any](ctx context.Context, s *scope.Scope, in <-chan T, out *output[R], f func(context.Context, T) (R, error)) {
	defer s.Exit()
	defer out.finish()
	returned := false
	defer s.Catch(&returned)
	for {
		v, ok := recv(out.done, in)
		if !ok {
			break
		}
		r, err := f(ctx, v)
		if err != nil {
			s.Stop(err)
			break
		}
		if !out.send(r) {
			break
		}
	}
	returned = true
}
