package ratelimit_test

import (
	"context"
	"errors"
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

// A TokenBucket allows a burst at once, then events at its rate.
func ExampleNewTokenBucket() {
	bucket := ratelimit.NewTokenBucket(1, 3) // 1 per second, bursts of 3
	for i := 1; i <= 4; i++ {
		fmt.Println("event", i, bucket.Allow())
	}
	// Output:
	// event 1 true
	// event 2 true
	// event 3 true
	// event 4 false
}

// A Wait that could finish only after its context's deadline fails at once
// and takes nothing.
func ExampleTokenBucket_Wait() {
	bucket := ratelimit.NewTokenBucket(1, 1)
	bucket.Allow() // the next token comes in 1s
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := bucket.Wait(ctx)
	fmt.Println(errors.Is(err, context.DeadlineExceeded), bucket.Tokens() < 1)
	// Output: true true
}

// A Keyed limits each client on its own.
func ExampleKeyed() {
	perClient := ratelimit.NewKeyed[string](1, 2) // 1 per second, bursts of 2
	for _, client := range []string{"alice", "alice", "alice", "bob"} {
		fmt.Println(client, perClient.Allow(client))
	}
	// Output:
	// alice true
	// alice true
	// alice false
	// bob true
}

// SetMaxKeys bounds the memory a flood of distinct keys can take.
func ExampleKeyed_SetMaxKeys() {
	perIP := ratelimit.NewKeyed[int](1, 1)
	perIP.SetMaxKeys(1000)
	for ip := range 100_000 {
		perIP.Allow(ip)
	}
	fmt.Println(perIP.Len() <= 1000)
	// Output: true
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
