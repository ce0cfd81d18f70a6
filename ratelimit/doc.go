// Package ratelimit paces events: a Ticker that keeps its long-run rate, a
// token bucket, per-key buckets with bounded memory, and helpers that combine
// limiters and pace a channel.
//
// Every limiter reads the time with time.Now or time.Since and sleeps with
// time.NewTimer, so it works inside a testing/synctest bubble. No limiter
// starts a goroutine; only Throttle does, and it exits when its input is
// drained, its context is done or its limiter's Wait fails.
//
// # Late wake-ups
//
// A Go timer on Linux fires about 1 ms late, and a timer for less than 1 ms
// fires after about 1 ms. A limiter that discards the tokens or ticks that fall
// due while a waiter oversleeps loses rate: time.Ticker drops late ticks and
// reaches about 10% of 10,000 ticks per second. The limiters here hand such
// tokens to the waiters when they wake, but only those that fell due in the
// last 10 ms (CatchUp), so idle time never builds a burst: see Ticker and
// TokenBucket for the exact rules.
package ratelimit
