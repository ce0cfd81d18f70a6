package pipeline

import (
	"context"
	"iter"
)

// Map returns a sequence that calls f on every item of in with at most
// workers goroutines at once (GOMAXPROCS when workers <= 0) and yields each
// result with a nil error as soon as it is ready, in no defined order.
//
// The sequence ends after the last result, or with one final pair (zero R,
// err) that ends it early:
//   - err is the first error returned by f (in time);
//   - err is a *PanicError when f or in panics, and an error matching
//     [ErrGoexit] when f or in calls runtime.Goexit (as t.FailNow does);
//   - err is context.Cause(ctx) when ctx is done; f should watch the
//     context it is given, which is done then too. An error of f that
//     wraps ctx's error is reported as context.Cause(ctx); any other error
//     of f is reported as it is, even when ctx is done by then.
//
// The workers and the goroutine that ranges over in start when the range
// loop starts, and they have all returned when the loop statement ends,
// whether the sequence ran out, ended with an error, or the loop body broke
// out: f is not called after that, and nothing keeps running. The context
// passed to f is cancelled when the loop ends.
//
// The input in is ranged over once per loop, from one goroutine. When the
// loop ends early, its yield returns false and the loop statement waits for
// in to return, so that nothing outlives the loop: in must return promptly
// once it is asked for an item or told to stop. An input that waits for
// data (a channel, a network read) delays the end of the loop until it
// yields again or returns. Breaking out of the loop, or f's error ending
// it, does not cancel ctx (only the context passed to f); an input that
// also waits on ctx stops at once if the loop body cancels ctx before it
// leaves the loop.
//
// Items move to the workers in chunks whose size adapts to the measured cost
// of f, up to 4096 items while an item and its result take 16 bytes or less,
// and for larger ones up to 64 KiB of them but at least 1024. No item waits
// for a chunk to fill: an idle worker gets the items read so far at once. At
// most max(16, 4*workers) chunks exist. Chunks reach the workers in input
// order, so with one worker f is called on the items in the order of in.
//
// Map panics if ctx, in or f is nil.
func Map[T, R any](ctx context.Context, in iter.Seq[T], workers int,
	f func(context.Context, T) (R, error)) iter.Seq2[R, error] {
	return mapSeq(ctx, in, workers, f, (*mapper[T, R]).unordered)
}

// OrderedMap is [Map] with the results yielded in the order of their items
// in in. A result that is ready early waits in a reorder window of at most
// max(16, 4*workers) chunks, sized as for Map; when the window is full, in
// is not read further until the oldest result is ready, so memory stays
// bounded on an endless input with one slow item.
//
// While a result that comes before them is still being computed, OrderedMap
// does not hand the items read since to an idle worker before their chunk
// fills, as Map would: their results could not be yielded before that one
// anyway, and cutting the input into small chunks costs every item. Once
// every result before them is back, they go to an idle worker at once.
//
// The first error in input order ends the sequence: the results of all
// items before the failing one are yielded first, as a sequential loop
// would. A panic in in, runtime.Goexit in f or in, or ctx being done, ends
// it at once: a worker that called runtime.Goexit is gone, and the results
// before its item might never come.
func OrderedMap[T, R any](ctx context.Context, in iter.Seq[T], workers int,
	f func(context.Context, T) (R, error)) iter.Seq2[R, error] {
	return mapSeq(ctx, in, workers, f, (*mapper[T, R]).ordered)
}

// mapSeq is Map and OrderedMap: the sequence starts a mapper, yields what
// consume makes of it, and stops and joins the mapper's goroutines.
func mapSeq[T, R any](ctx context.Context, in iter.Seq[T], workers int,
	f func(context.Context, T) (R, error),
	consume func(*mapper[T, R], func(R, error) bool)) iter.Seq2[R, error] {
	mustContext(ctx)
	mustMap(in, f)
	return func(yield func(R, error) bool) {
		m := newMapper(ctx, in, workers, f)
		m.start()
		defer m.stop()
		consume(m, yield)
	}
}

func mustMap[T, R any](in iter.Seq[T], f func(context.Context, T) (R, error)) {
	if in == nil {
		panic("pipeline: nil seq")
	}
	if f == nil {
		panic("pipeline: nil f")
	}
}
