package cancel

import "context"

// Misuse panics in the caller's goroutine, before anything starts, so that
// a nil context or function never reaches a goroutine of the package, where
// no recover could catch it.

// checkContext panics if ctx is nil.
func checkContext(ctx context.Context) {
	if ctx == nil {
		panic("cancel: nil context")
	}
}

// checkChannel panics if ctx or the channel is nil. Send and Recv take a
// single channel, so a nil one would only wait for ctx, or forever: it is
// a bug, not the disabled case of a select.
func checkChannel(ctx context.Context, isNil bool) {
	checkContext(ctx)
	if isNil {
		panic("cancel: nil channel")
	}
}
