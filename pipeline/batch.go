package pipeline

import (
	"context"
	"time"

	"github.com/gopatterns/concurrency/internal/scope"
)

// Batch returns a channel that delivers the values from in
// grouped into slices of at most size values, in order. A batch is sent as
// soon as it holds size values, or when maxWait has passed since its first
// value arrived, whichever comes first; maxWait <= 0 means no time limit.
// When in is closed, the last partial batch is sent and the channel closed.
// When ctx is done, the channel is closed and a partial batch is dropped.
// Every batch is a new slice that the receiver owns.
//
// Batch panics if ctx or in is nil or if size < 1.
func Batch[T any](ctx context.Context, in <-chan T, size int, maxWait time.Duration) <-chan []T {
	mustContext(ctx)
	if size < 1 {
		panic("pipeline: size < 1")
	}
	mustInput(in)
	s := scope.From(ctx)
	if !s.Enter(1) {
		return closed[[]T]()
	}
	out := make(chan []T, buffer)
	go batch(ctx, s, in, out, size, maxWait)
	return out
}

// batch sends the batches of in on out until in is closed or ctx is done,
// then closes out.
func batch[T any](ctx context.Context, s *scope.Scope, in <-chan T, out chan<- []T, size int, maxWait time.Duration) {
	defer s.Exit()
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
