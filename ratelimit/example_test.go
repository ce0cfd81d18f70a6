package ratelimit_test

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
)

// A Ticker paces a loop: the first event goes at once, then one per interval.
func Example() {
	limiter := ratelimit.NewTicker(10 * time.Millisecond)
	defer limiter.Stop()
	ctx := context.Background()
	for req := 1; req <= 3; req++ {
		if err := limiter.Wait(ctx); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("request", req)
	}
	// Output:
	// request 1
	// request 2
	// request 3
}

// Allow on a Ticker takes the tick that is due, and never blocks.
func ExampleNewTicker() {
	limiter := ratelimit.NewTicker(time.Hour)
	defer limiter.Stop()
	fmt.Println(limiter.Allow(), limiter.Allow())
	// Output: true false
}

// Allow takes the tick that is due, if any: with a long interval, only the
// first.
func ExampleTicker_Allow() {
	limiter := ratelimit.NewTicker(time.Minute)
	defer limiter.Stop()
	for range 3 {
		fmt.Print(limiter.Allow(), " ")
	}
	fmt.Println()
	// Output: true false false
}

// Wait blocks until the next tick; one that would come only after the
// context's deadline fails at once.
func ExampleTicker_Wait() {
	limiter := ratelimit.NewTicker(time.Hour)
	defer limiter.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	fmt.Println(limiter.Wait(ctx)) // the first tick is due at once
	fmt.Println(limiter.Wait(ctx))
	// Output:
	// <nil>
	// ratelimit: wait would pass the context deadline: context deadline exceeded
}

// Stop ends every Wait on the Ticker, blocked or future, with ErrStopped.
func ExampleTicker_Stop() {
	limiter := ratelimit.NewTicker(time.Hour)
	limiter.Allow()
	errc := make(chan error)
	go func() { errc <- limiter.Wait(context.Background()) }()
	limiter.Stop()
	fmt.Println(<-errc)
	fmt.Println(limiter.Wait(context.Background()))
	// Output:
	// ratelimit: ticker stopped
	// ratelimit: ticker stopped
}

// Any Limiter paces the same loop: a Ticker, a TokenBucket, or a
// rate.Limiter of golang.org/x/time/rate.
func ExampleLimiter() {
	for _, limiter := range []ratelimit.Limiter{
		ratelimit.NewTicker(time.Hour),
		ratelimit.NewTokenBucket(rate.Every(time.Hour), 2),
		rate.NewLimiter(rate.Every(time.Hour), 2),
	} {
		n := 0
		for limiter.Allow() {
			n++
		}
		fmt.Printf("%T: %d at once\n", limiter, n)
	}
	// Output:
	// *ratelimit.Ticker: 1 at once
	// *ratelimit.TokenBucket: 2 at once
	// *rate.Limiter: 2 at once
}

// All combines a per-client limit with a global one; an event refused by
// either takes nothing from the other.
func ExampleAll() {
	global := rate.NewLimiter(1, 2)
	alice := ratelimit.NewTokenBucket(1, 1)
	bob := ratelimit.NewTokenBucket(1, 1)
	fmt.Println("alice", ratelimit.All(alice, global).Allow())
	fmt.Println("alice", ratelimit.All(alice, global).Allow()) // alice's own limit refuses
	fmt.Println("bob", ratelimit.All(bob, global).Allow())     // the global token is still there
	// Output:
	// alice true
	// alice false
	// bob true
}

// Throttle passes a channel's values on at a limiter's rate.
func ExampleThrottle() {
	in := make(chan string, 3)
	in <- "a"
	in <- "b"
	in <- "c"
	close(in)
	for v := range ratelimit.Throttle(context.Background(), in, ratelimit.NewTicker(time.Millisecond)) {
		fmt.Println(v)
	}
	// Output:
	// a
	// b
	// c
}
