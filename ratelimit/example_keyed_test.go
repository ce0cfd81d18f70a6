package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
)

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

// NewKeyed takes the rate and burst every key gets; rate.Every converts an
// interval between events into a rate.
func ExampleNewKeyed() {
	logins := ratelimit.NewKeyed[string](rate.Every(time.Minute), 3) // 3 at once, then 1 a minute
	for range 4 {
		fmt.Print(logins.Allow("alice"), " ")
	}
	fmt.Println()
	// Output: true true true false
}

// Allow decides for one key and never blocks.
func ExampleKeyed_Allow() {
	perUser := ratelimit.NewKeyed[int](1, 1)
	fmt.Println(perUser.Allow(7), perUser.Allow(7), perUser.Allow(8))
	// Output: true false true
}

// Wait blocks until the key's next token; other keys are not held up.
func ExampleKeyed_Wait() {
	perUser := ratelimit.NewKeyed[string](100, 1) // 100 per second each, one at a time
	ctx := context.Background()
	start := time.Now()
	for _, user := range []string{"alice", "bob", "alice"} {
		if err := perUser.Wait(ctx, user); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(user)
	}
	fmt.Println(time.Since(start) >= 10*time.Millisecond) // alice's second event waited

	// A Wait that could end only after its context's deadline fails at once.
	ctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	perUser.Allow("carol")
	fmt.Println(errors.Is(perUser.Wait(ctx, "carol"), context.DeadlineExceeded))
	// Output:
	// alice
	// bob
	// alice
	// true
	// true
}

// Take gives a server what it needs to answer each client: a 429 with
// Retry-After when refused, and the tokens left for rate-limit headers.
func ExampleKeyed_Take() {
	perClient := ratelimit.NewKeyed[string](1, 2) // 1 per second, bursts of 2
	for i := 1; i <= 3; i++ {
		d := perClient.Take("203.0.113.7", 1)
		if d.Allowed {
			fmt.Printf("request %d: 200, %d left\n", i, d.Remaining)
		} else {
			fmt.Printf("request %d: 429, retry after %v\n", i, d.RetryAfter.Round(time.Second))
		}
	}
	// A peek takes nothing, and stores nothing for a key not seen yet.
	fmt.Println(perClient.Take("198.51.100.1", 0).Remaining, perClient.Len())
	// Output:
	// request 1: 200, 1 left
	// request 2: 200, 0 left
	// request 3: 429, retry after 1s
	// 2 1
}

// Reset forgets a key's bucket, here after a successful login, so that
// failed attempts before it count no more.
func ExampleKeyed_Reset() {
	failedLogins := ratelimit.NewKeyed[string](rate.Every(time.Minute), 3)
	for range 3 {
		failedLogins.Allow("alice")
	}
	fmt.Println(failedLogins.Allow("alice")) // locked out
	failedLogins.Reset("alice")
	fmt.Println(failedLogins.Take("alice", 0).Remaining)
	// Output:
	// false
	// 3
}

// Len counts the keys held, including full buckets not forgotten yet.
func ExampleKeyed_Len() {
	perUser := ratelimit.NewKeyed[string](1, 1)
	perUser.Allow("alice")
	perUser.Allow("bob")
	perUser.Take("carol", 0) // a peek stores nothing
	fmt.Println(perUser.Len())
	// Output: 2
}
