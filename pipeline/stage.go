package pipeline

import "context"

// Stage returns a channel that delivers f(v) for each value v
// received from in, in order, computed by one goroutine. The channel is
// closed when in is closed and drained, or when ctx is done.
//
// Stage panics if in or f is nil. A panic in f crashes the program, as
// described in the package documentation.
func Stage[T, R any](ctx context.Context, in <-chan T, f func(T) R) <-chan R {
	mustInput(in)
	if f == nil {
		panic("pipeline: nil f")
	}
	out := make(chan R, buffer)
	go apply(ctx, in, out, f)
	return out
}

// FanOut starts n goroutines that each receive values from in and send f(v)
// on their own output channel, and returns those n channels. A
// value goes to whichever goroutine receives it first, so each output holds
// a subsequence of in; [Merge] joins them again. Each output is closed when
// in is closed and drained, or when ctx is done.
//
// FanOut panics if n < 1 or if in or f is nil. A panic in f crashes the
// program, as described in the package documentation.
func FanOut[T, R any](ctx context.Context, in <-chan T, n int, f func(T) R) []<-chan R {
	if n < 1 {
		panic("pipeline: n < 1")
	}
	mustInput(in)
	if f == nil {
		panic("pipeline: nil f")
	}
	outs := make([]<-chan R, n)
	for i := range outs {
		out := make(chan R, buffer)
		outs[i] = out
		go apply(ctx, in, out, f)
	}
	return outs
}

// apply sends f(v) on out for every v from in, then closes out.
func apply[T, R any](ctx context.Context, in <-chan T, out chan<- R, f func(T) R) {
	defer close(out)
	done := ctx.Done()
	for {
		v, ok := recv(done, in)
		if !ok || !send(done, out, f(v)) {
			return
		}
	}
}
