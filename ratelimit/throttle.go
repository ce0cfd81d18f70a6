package ratelimit

import (
	"context"
	"reflect"

	"github.com/gopatterns/concurrency/internal/scope"
)

// Throttle returns a channel that passes on the values of in, each after
// l.Wait allows it, so they leave at l's rate and in order. One goroutine
// does the work; it closes the returned channel and exits when in is closed
// and drained, when ctx is done, or when l.Wait fails (a stopped Ticker, or
// ctx's deadline coming before the next event). The values still in in are
// then not read: as with any pipeline stage, the sender must watch ctx too.
//
// Under a pipeline.Scope (ctx is the scope's context or derived from it),
// the goroutine registers with the scope, so that the scope's Wait joins
// it; a panic in l is then recovered, cancels the scope's context and is
// re-raised by Wait. Called after that Wait returned, Throttle starts no
// goroutine and returns a closed channel.
//
// Throttle panics if ctx or in is nil, or if l is nil or holds a nil
// pointer (such as a (*TokenBucket)(nil)), func, map, channel or slice.
func Throttle[T any](ctx context.Context, in <-chan T, l Limiter) <-chan T {
	if ctx == nil {
		panic("ratelimit: nil context")
	}
	if in == nil {
		panic("ratelimit: nil input channel")
	}
	if isNil(l) {
		panic("ratelimit: nil limiter")
	}
	out := make(chan T)
	s := scope.From(ctx)
	if !s.Enter(1) {
		close(out)
		return out
	}
	go throttle(ctx, s, in, out, l)
	return out
}

// throttle passes on the values of in until in is closed, ctx is done or
// l.Wait fails, then closes out. Under a scope, a panic in l cancels the
// scope's context before out is closed.
func throttle[T any](ctx context.Context, s *scope.Scope, in <-chan T, out chan T, l Limiter) {
	defer s.Exit()
	defer close(out)
	returned := false
	defer s.Catch(&returned)
	pass(ctx, in, out, l)
	returned = true
}

func pass[T any](ctx context.Context, in <-chan T, out chan<- T, l Limiter) {
	for {
		var v T
		select {
		case x, ok := <-in:
			if !ok {
				return
			}
			v = x
		case <-ctx.Done():
			return
		}
		if l.Wait(ctx) != nil {
			return
		}
		select {
		case out <- v:
		case <-ctx.Done():
			return
		}
	}
}

// isNil reports whether l is nil or holds a nil value of a kind that can be
// nil: calling its methods would fail later, on Throttle's goroutine.
func isNil(l Limiter) bool {
	if l == nil {
		return true
	}
	switch v := reflect.ValueOf(l); v.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Slice, reflect.UnsafePointer:
		return v.IsNil()
	}
	return false
}
