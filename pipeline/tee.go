package pipeline

import "context"

// Tee returns n channels that each deliver every value received
// from in, in order. One goroutine hands each value to all n outputs before
// it receives the next, so no reader misses a value however slow it is, and
// the outputs advance at the pace of the slowest reader (the fastest is at
// most one buffer ahead): read them concurrently. The outputs are closed when in is closed and drained, or
// when ctx is done.
//
// Tee panics if n < 1 or if in is nil.
func Tee[T any](ctx context.Context, in <-chan T, n int) []<-chan T {
	if n < 1 {
		panic("pipeline: n < 1")
	}
	mustInput(in)
	outs := make([]chan T, n)
	res := make([]<-chan T, n)
	for i := range outs {
		outs[i] = make(chan T, buffer)
		res[i] = outs[i]
	}
	go tee(ctx, in, outs)
	return res
}

func tee[T any](ctx context.Context, in <-chan T, outs []chan T) {
	defer func() {
		for _, out := range outs {
			close(out)
		}
	}()
	done := ctx.Done()
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
