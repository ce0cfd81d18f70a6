// Package group runs related tasks in goroutines, waits for them, and reports
// their first error: a drop-in for golang.org/x/sync/errgroup that also
// recovers panics, keeps the cause of a cancellation, joins errors, collects
// typed results, and maps a function over a slice in parallel.
//
// Group has errgroup's methods with errgroup's meaning. On top of them:
//
//   - A panic in a task is recovered with its stack into a *PanicError, which
//     cancels the group's context at once and is re-raised by Wait after every
//     other task has returned, so that a panic is never lost.
//   - The context from WithContext is cancelled with the first error as its
//     cause, so context.Cause(ctx) tells the siblings why they were stopped.
//   - Once that context is done, Go and TryGo no longer start their function,
//     and Wait reports context.Cause(ctx) rather than nil for the work that did
//     not run.
//   - JoinErrors makes Wait return every error, joined in the order of the Go
//     calls.
//   - Under a limit, a goroutine whose short function returned runs the
//     function of a waiting Go itself, which saves starting a goroutine (see
//     Group.SetLimit).
//
// Results collects one value per task in the order of the Go calls. Map and
// ForEach apply a function to every element of a slice with a bounded number
// of goroutines; they claim the elements in small ranges, so the cost per
// element is a few nanoseconds.
package group
