package pipeline

import (
	"context"
	"iter"

	"github.com/gopatterns/concurrency/internal/scope"
)

// Generate returns a channel that delivers values in order and
// is then closed. It is closed early, without the remaining values, when ctx
// is done. Generate does not copy values: when you pass a slice as
// values..., do not modify it until the channel is closed.
//
// Generate panics if ctx is nil.
func Generate[T any](ctx context.Context, values ...T) <-chan T {
	mustContext(ctx)
	s := scope.From(ctx)
	if !s.Enter(1) {
		return closed[T]()
	}
	out := make(chan T, buffer)
	go generate(s, ctx.Done(), out, values)
	return out
}

func generate[T any](s *scope.Scope, done <-chan struct{}, out chan<- T, values []T) {
	defer s.Exit()
	defer close(out)
	for _, v := range values {
		if !send(done, out, v) {
			return
		}
	}
}

// FromSeq returns a channel that delivers the values of seq in
// order and is then closed. When ctx is done, FromSeq stops ranging over seq
// (its yield returns false) and closes the channel.
//
// FromSeq panics if ctx or seq is nil. A panic in seq crashes the program,
// unless ctx belongs to a [Scope], as described in the package
// documentation.
func FromSeq[T any](ctx context.Context, seq iter.Seq[T]) <-chan T {
	mustContext(ctx)
	if seq == nil {
		panic("pipeline: nil seq")
	}
	s := scope.From(ctx)
	if !s.Enter(1) {
		return closed[T]()
	}
	out := make(chan T, buffer)
	go fromSeq(s, ctx.Done(), out, seq)
	return out
}

func fromSeq[T any](s *scope.Scope, done <-chan struct{}, out chan<- T, seq iter.Seq[T]) {
	defer s.Exit()
	defer close(out)
	returned := false
	defer s.Catch(&returned)
	for v := range seq {
		if !send(done, out, v) {
			break
		}
	}
	returned = true
}
