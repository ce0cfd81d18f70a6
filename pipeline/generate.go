package pipeline

import (
	"context"
	"iter"
)

// Generate returns a channel that delivers values in order and
// is then closed. It is closed early, without the remaining values, when ctx
// is done. Generate does not copy values: when you pass a slice as
// values..., do not modify it until the channel is closed.
func Generate[T any](ctx context.Context, values ...T) <-chan T {
	out := make(chan T, buffer)
	go func() {
		defer close(out)
		done := ctx.Done()
		for _, v := range values {
			if !send(done, out, v) {
				return
			}
		}
	}()
	return out
}

// FromSeq returns a channel that delivers the values of seq in
// order and is then closed. When ctx is done, FromSeq stops ranging over seq
// (its yield returns false) and closes the channel. FromSeq panics if seq is
// nil; a panic in seq crashes the program, as described in the package
// documentation.
func FromSeq[T any](ctx context.Context, seq iter.Seq[T]) <-chan T {
	if seq == nil {
		panic("pipeline: nil seq")
	}
	out := make(chan T, buffer)
	go func() {
		defer close(out)
		done := ctx.Done()
		for v := range seq {
			if !send(done, out, v) {
				return
			}
		}
	}()
	return out
}
