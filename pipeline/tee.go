package pipeline

import (
	"context"

	"github.com/gopatterns/concurrency/internal/scope"
)

// Tee returns n channels that each deliver every value received
// from in, in order. One goroutine hands each value to all n outputs before
// it receives the next, so no reader misses a value however slow it is, and
// the outputs advance at the pace of the slowest reader (the fastest is at
// most one buffer ahead): read them concurrently. The outputs are closed when in is closed and drained, or
// when ctx is done.
//
// Tee panics if ctx or in is nil or if n < 1.
func Tee[T any](ctx context.Context, in <-chan T, n int) []<-chan T {
	mustContext(ctx)
	if n < 1 {
		panic("pipeline: n < 1")
	}
	mustInput(in)
	s := scope.From(ctx)
	entered := s.Enter(1)
	outs := make([]chan T, n)
	res := make([]<-chan T, n)
	for i := range outs {
		if entered {
			outs[i] = make(chan T, buffer)
		} else {
			outs[i] = closed[T]()
		}
		res[i] = outs[i]
	}
	if entered {
		go tee(s, ctx.Done(), in, outs)
	}
	return res
}

// tee hands every value from in to each of outs until in is closed or done
// is, then closes outs.
func tee[T any](s *scope.Scope, done <-chan struct{}, in <-chan T, outs []chan T) {
	defer s.Exit()
	defer func() {
		for _, out := range outs {
			close(out)
		}
	}()
	for {
		v, ok := recv(done, in)
		if !ok {
			return
		}
		for _, out := range outs {
			if !send(done, out, v) {
				return
			}
		}
	}
}
