// Package cancel holds small context-aware operations: sleeping, sending,
// receiving, bounding a call, racing calls and retrying a call, each of which
// stops as soon as its context is done and returns context.Cause(ctx).
//
// What each function adds over the standard library:
//
//   - [Sleep]: time.Sleep that returns context.Cause(ctx) as soon as ctx is done and stops its timer.
//   - [Send]: ch <- v that gives up with the cause when ctx is done and never sends on a context already done.
//   - [Recv]: <-ch that gives up with the cause when ctx is done and reports a closed channel as [ErrClosed].
//   - [Do]: bounds a call that ignores ctx: abandons it at ctx done (f runs on), re-raises f's panic as *[PanicError] and never loses a late one.
//   - [Timeout]: context.WithTimeout, the call and the cancel in one, with an error that always reports the expiry.
//   - [First]: runs functions at once, returns the first success, cancels and waits for the rest, joins all errors.
//   - [Hedge]: calls again when a call is slower than most, within a [Hedger]'s budget, and keeps the first success
//     (cancel/httphedge does it for HTTP requests).
//   - [Retry]: a retry loop with capped exponential backoff and full jitter that stops on ctx done, attempts or [Permanent];
//     [Backoff] also bounds each attempt, says which errors are worth another attempt, and reports each retry to a hook.
//   - [Permanent]: marks an error that [Retry] must not retry.
//   - [RetryAfter]: carries the delay a server asked for (Retry-After), which [Retry] waits instead of its backoff;
//     [ParseRetryAfter] reads that delay from the header's value, in either form, without linking net/http.
//
// Every function that takes a function runs it only while ctx is live: when
// ctx is already done at the call, the function is not called and the cause
// is returned. Only [Do] may leave a goroutine running after it returns; that
// is its purpose, and its documentation says what happens to that goroutine.
// A nil context, function or channel is a programming error: it panics at
// once, on the caller's goroutine, with "cancel: nil context", "cancel: nil
// function" or "cancel: nil channel".
//
// The package's name is also the usual name of the function that
// context.WithCancel returns; code that imports the package calls that
// function something else, as the examples do: ctx, stop := ....
package cancel
