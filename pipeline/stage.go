package pipeline

import (
	"context"

	"github.com/gopatterns/concurrency/internal/scope"
)

// Stage returns a channel that delivers f(v) for each value v
// received from in, in order, computed by one goroutine. The channel is
// closed when in is closed and drained, or as soon as ctx is done, even
// while f runs: its result is then dropped.
//
// Stage panics if ctx, in or f is nil. A panic in f crashes the program,
// unless ctx belongs to a [Scope], as described in the package
// documentation.
func Stage[T, R any](ctx context.Context, in <-chan T, f func(T) R) <-chan R {
	mustContext(ctx)
	mustInput(in)
	if f == nil {
		panic("pipeline: nil f")
	}
	s := scope.From(ctx)
	if !s.Enter(1) {
		return closed[R]()
	}
	out := newOutput[R](ctx, s)
	go apply(s, in, out, f)
	return out.ch
}

// FanOut starts n goroutines that each receive values from in and send f(v)
// on their own output channel, and returns those n channels. A
// value goes to whichever goroutine receives it first, so each output holds
// a subsequence of in; [Merge] joins them again. Each output is closed when
// in is closed and drained, or as soon as ctx is done, even while f runs:
// its result is then dropped.
//
// FanOut panics if ctx, in or f is nil or if n < 1. A panic in f crashes
// the program, unless ctx belongs to a [Scope], as described in the package
// documentation.
func FanOut[T, R any](ctx context.Context, in <-chan T, n int, f func(T) R) []<-chan R {
	mustContext(ctx)
	if n < 1 {
		panic("pipeline: n < 1")
	}
	mustInput(in)
	if f == nil {
		panic("pipeline: nil f")
	}
	outs := make([]<-chan R, n)
	s := scope.From(ctx)
	if !s.Enter(n) {
		for i := range outs {
			outs[i] = closed[R]()
		}
		return outs
	}
	for i := range outs {
		out := newOutput[R](ctx, s)
		outs[i] = out.ch
		go apply(s, in, out, f)
	}
	return outs
}

// apply sends f(v) on out for every v from in, then closes out. It stops
// when out's context is done. Under a scope, a panic in f cancels the
// scope's context before out is closed.
func apply[T, R any](s *scope.Scope, in <-chan T, out *output[R], f func(T) R) {
	defer s.Exit()
	defer out.finish()
	returned := false
	defer s.Catch(&returned)
	applyLoop(in, out, f)
	returned = true
}

func applyLoop[T, R any](in <-chan T, out *output[R], f func(T) R) {
	for {
		v, ok := recv(out.done, in)
		if !ok || !out.send(f(v)) {
			return
		}
	}
}
