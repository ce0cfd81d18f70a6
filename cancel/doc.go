// Package cancel holds small context-aware operations: sleeping, sending,
// receiving, bounding a call, racing calls and retrying a call, each of which
// stops as soon as its context is done and returns context.Cause(ctx).
//
// What each function adds over the standard library:
//
//   - [Sleep]: time.Sleep that returns context.Cause(ctx) as soon as ctx is done and stops its timer.
//   - [Send]: ch <- v that gives up with the cause when ctx is done and never sends on a context already done.
//   - [Recv]: <-ch that gives up with the cause when ctx is done and reports a closed channel as [ErrClosed].
//   - [Do]: bounds a call that ignores ctx: returns at ctx done, re-raises f's panic as *[PanicError] and never loses a late one.
//   - [Timeout]: context.WithTimeout, the call and the cancel in one, with an error that always reports the expiry.
//   - [First]: runs functions at once, returns the first success, cancels and waits for the rest, joins all errors.
//   - [Retry]: a retry loop with capped exponential backoff and full jitter that stops on ctx done, attempts or [Permanent].
//   - [Permanent]: marks an error that [Retry] must not retry.
//
// Every function that takes a function runs it only while ctx is live: when
// ctx is already done at the call, the function is not called and the cause
// is returned. Only [Do] may leave a goroutine running after it returns; that
// is its purpose, and its documentation says what happens to that goroutine.
// A nil function is a programming error and panics with a message starting
// with "cancel: ".
package cancel
