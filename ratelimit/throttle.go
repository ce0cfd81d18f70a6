package ratelimit

import "context"

// Throttle returns a channel that passes on the values of in, each after
// l.Wait allows it, so they leave at l's rate and in order. One goroutine
// does the work; it closes the returned channel and exits when in is closed
// and drained, when ctx is done, or when l.Wait fails (a stopped Ticker, or
// ctx's deadline coming before the next event). The values still in in are
// then not read: as with any pipeline stage, the sender must watch ctx too.
// Throttle panics if l is nil.
func Throttle[T any](ctx context.Context, in <-chan T, l Limiter) <-chan T {
	if l == nil {
		panic("ratelimit: nil Limiter")
	}
	out := make(chan T)
	go func() {
		defer close(out)
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
	}()
	return out
}
