package pipeline

import (
	"context"
	"time"
)

// Batch returns a channel that delivers the values from in
// grouped into slices of at most size values, in order. A batch is sent as
// soon as it holds size values, or when maxWait has passed since its first
// value arrived, whichever comes first; maxWait <= 0 means no time limit.
// When in is closed, the last partial batch is sent and the channel closed.
// When ctx is done, the channel is closed and a partial batch is dropped.
// Every batch is a new slice that the receiver owns.
//
// Batch panics if size < 1 or if in is nil.
func Batch[T any](ctx context.Context, in <-chan T, size int, maxWait time.Duration) <-chan []T {
	if size < 1 {
		panic("pipeline: size < 1")
	}
	mustInput(in)
	out := make(chan []T, buffer)
	go batch(ctx, in, out, size, maxWait)
	return out
}

func batch[T any](ctx context.Context, in <-chan T, out chan<- []T, size int, maxWait time.Duration) {
	defer close(out)
	done := ctx.Done()
	var (
		buf   []T
		timer *time.Timer
		tick  <-chan time.Time // timer.C while a batch waits on maxWait
	)
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	emit := func() bool {
		if tick != nil {
			timer.Stop()
			tick = nil
		}
		b := buf
		buf = nil
		return send(done, out, b)
	}
	for {
		select {
		case v, ok := <-in:
			if !ok {
				// An upstream stage also closes its output when ctx is
				// done; then the batch is incomplete and is dropped.
				if len(buf) > 0 && ctx.Err() == nil {
					emit()
				}
				return
			}
			if len(buf) == 0 && maxWait > 0 {
				tick = startTimer(&timer, maxWait)
			}
			buf = append(buf, v)
			if len(buf) == size && !emit() {
				return
			}
		case <-tick:
			if !emit() {
				return
			}
		case <-done:
			return
		}
	}
}

// startTimer starts *t, making it on first use, and returns its channel.
func startTimer(t **time.Timer, d time.Duration) <-chan time.Time {
	if *t == nil {
		*t = time.NewTimer(d)
	} else {
		(*t).Reset(d)
	}
	return (*t).C
}
