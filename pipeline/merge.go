package pipeline

import (
	"context"
	"sync/atomic"
)

// Merge returns a channel that delivers every value received
// from each of ins (fan-in). Values from one input keep their order; values
// from different inputs interleave in no defined order. The channel is
// closed when every input is closed and drained, or when ctx is done. With
// no inputs it is returned closed.
//
// Merge panics if any input is nil.
func Merge[T any](ctx context.Context, ins ...<-chan T) <-chan T {
	for _, in := range ins {
		mustInput(in)
	}
	out := make(chan T, buffer)
	if len(ins) == 0 {
		close(out)
		return out
	}
	// The last forwarder to finish closes out, so no extra goroutine waits
	// for the others.
	left := int64(len(ins))
	for _, in := range ins {
		go func() {
			done := ctx.Done()
			defer func() {
				if atomic.AddInt64(&left, -1) == 0 {
					close(out)
				}
			}()
			for {
				v, ok := recv(done, in)
				if !ok || !send(done, out, v) {
					return
				}
			}
		}()
	}
	return out
}
