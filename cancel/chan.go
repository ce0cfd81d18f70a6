package cancel

import (
	"context"
	"errors"
)

// ErrClosed is returned by [Recv] when the channel is closed.
var ErrClosed = errors.New("cancel: channel closed")

// Send sends v on ch, or returns context.Cause(ctx) if ctx is done first.
//
// Send looks at ctx before it tries ch: when ctx is already done, Send
// returns the cause without sending, even if ch has room. When ch becomes
// ready and ctx ends while Send waits, either may win; a nil result always
// means v was delivered and an error always means it was not.
//
// As with the send statement, Send on a closed channel panics. Send also
// panics if ctx or ch is nil: unlike a case of a select, a nil channel here
// could only make Send wait for ctx, or forever.
func Send[T any](ctx context.Context, ch chan<- T, v T) error {
	checkChannel(ctx, ch == nil)
	done := ctx.Done()
	if done == nil { // ctx can never be done
		ch <- v
		return nil
	}
	select {
	case <-done:
		return context.Cause(ctx)
	default:
	}
	select {
	case ch <- v:
		return nil
	case <-done:
		return context.Cause(ctx)
	}
}

// Recv receives a value from ch. It returns [ErrClosed] and the zero value
// when ch is closed, and context.Cause(ctx) when ctx is done first.
//
// Recv looks at ctx before it tries ch: when ctx is already done, Recv
// returns the cause and leaves any buffered value in ch, and it reports the
// cause rather than ErrClosed for a closed channel. When ch becomes ready and
// ctx ends while Recv waits, either may win; a nil error always means a value
// was taken from ch and an error always means none was.
//
// Recv panics if ctx or ch is nil: unlike a case of a select, a nil channel
// here could only make Recv wait for ctx, or forever.
func Recv[T any](ctx context.Context, ch <-chan T) (T, error) {
	checkChannel(ctx, ch == nil)
	var zero T
	done := ctx.Done()
	if done != nil {
		select {
		case <-done:
			return zero, context.Cause(ctx)
		default:
		}
	}
	select {
	case v, ok := <-ch:
		if !ok {
			return zero, ErrClosed
		}
		return v, nil
	case <-done:
		return zero, context.Cause(ctx)
	}
}
