package pipeline

import "context"

// Collect receives every value from in until in is closed and returns them
// in order. If ctx is done first, Collect returns the values received so far
// and context.Cause(ctx). Because the stages of this package also close
// their outputs when ctx is done, Collect reports context.Cause(ctx) as well
// when in is closed after ctx is done: the values may be incomplete.
//
// Collect panics if ctx or in is nil.
func Collect[T any](ctx context.Context, in <-chan T) ([]T, error) {
	mustContext(ctx)
	mustInput(in)
	var vals []T
	done := ctx.Done()
	for {
		v, ok := recv(done, in)
		if !ok {
			if ctx.Err() != nil {
				return vals, context.Cause(ctx)
			}
			return vals, nil
		}
		vals = append(vals, v)
	}
}
