// Package concurrency is the overview of a library of concurrency patterns
// for Go services: a worker pool, fan-out and fan-in, rate limiting,
// cancellation and errgroup, as small generic packages, with HTTP
// middleware, a limit shared across processes on Redis, an adaptive
// concurrency limit, hedged requests and a typed singleflight. This package
// has no code; import the package for the job.
//
// Which package for which job:
//
//   - Run many small jobs on at most n goroutines, with a queue and
//     backpressure: [github.com/gopatterns/concurrency/pool] (New, NewTasks).
//   - Apply a function to every element of a slice in parallel, results in
//     order: [github.com/gopatterns/concurrency/group] (Map, ForEach; MapAll
//     keeps every item's result and error).
//   - Start a few different tasks and wait for the first error: group
//     (WithContext, Group.Go), an errgroup drop-in that catches panics.
//   - Make one call for many callers asking for the same key at once (a
//     cache stampede): group.Flight.
//   - Transform a stream in parallel, in order or not, or build channel
//     stages (fan-out, fan-in, tee, batch) and join them:
//     [github.com/gopatterns/concurrency/pipeline] (Map, OrderedMap,
//     WithScope and the channel functions).
//   - Pace a loop or a channel, or limit each client of a server:
//     [github.com/gopatterns/concurrency/ratelimit] (NewTicker,
//     NewTokenBucket, NewKeyed, Throttle), and its HTTP middleware
//     [github.com/gopatterns/concurrency/ratelimit/httplimit] (Limiter).
//   - Limit each client across every instance of a service:
//     github.com/gopatterns/concurrency/ratelimit/redislimit, a module of
//     its own, with httplimit.Limiter.
//   - Bound how many calls run at once, by a fixed weight or by a limit
//     that follows a dependency's latency, and shed load over it:
//     [github.com/gopatterns/concurrency/pool/limit] (NewSemaphore,
//     Adaptive), and httplimit.Shedder for a server.
//   - Give a call a deadline, race replicas, retry with backoff, or hedge a
//     slow call with a second one: [github.com/gopatterns/concurrency/cancel]
//     (Timeout, First, Retry, Hedge), and for HTTP clients
//     [github.com/gopatterns/concurrency/cancel/httphedge] (Transport).
//
// Every package keeps the same promises: a call that starts goroutines joins
// them before it returns (cancel.Do, by design, excepted); a panic in your
// function is re-raised where you wait, as a *PanicError with its stack;
// every call that can block takes a context first and returns
// context.Cause(ctx); misuse panics at once, in your goroutine, with the
// package's name first.
package concurrency
