package ratelimit_test

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
)

// WaitN waits for several of one key's tokens at once: here a client whose
// upload costs one token a kilobyte.
func ExampleKeyed_WaitN() {
	perClient := ratelimit.NewKeyed[string](1000, 64) // 1,000 KB/s, 64 KB at once
	ctx := context.Background()
	start := time.Now()
	for _, kb := range []int{64, 10} {
		if err := perClient.WaitN(ctx, "alice", kb); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(time.Since(start) >= 10*time.Millisecond) // the 10 KB waited for their tokens
	fmt.Println(perClient.WaitN(ctx, "alice", 65))        // more than a burst never comes
	// Output:
	// true
	// ratelimit: event can never be allowed: 65 tokens exceed burst 64
}

// Limit and Burst report what every key gets.
func ExampleKeyed_Limit() {
	perClient := ratelimit.NewKeyed[string](rate.Every(time.Second/5), 10)
	fmt.Println(perClient.Limit(), perClient.Burst())
	// Output: 5 10
}

// Burst reports the size of every key's bucket, after SetBurst too.
func ExampleKeyed_Burst() {
	perClient := ratelimit.NewKeyed[string](1, 10)
	perClient.SetBurst(20)
	fmt.Println(perClient.Burst())
	// Output: 20
}

// SetLimit changes the rate of every key's bucket at once: each keeps the
// tokens it has, and refills at the new rate from then on.
func ExampleKeyed_SetLimit() {
	perClient := ratelimit.NewKeyed[string](1, 1)
	perClient.Allow("alice")
	fmt.Println(perClient.Take("alice", 1).RetryAfter.Round(time.Second))
	perClient.SetLimit(0.1) // one every 10 seconds, for every client
	fmt.Println(perClient.Take("alice", 1).RetryAfter.Round(time.Second))
	fmt.Println(perClient.Allow("bob")) // a new client starts from a full bucket
	// Output:
	// 1s
	// 10s
	// true
}

// SetBurst changes the size of every key's bucket at once: a bucket holding
// more than the new burst loses the excess; with a larger burst, a bucket
// keeps the tokens it lacks, so a full one stays full.
func ExampleKeyed_SetBurst() {
	perClient := ratelimit.NewKeyed[string](rate.Every(time.Minute), 4)
	perClient.Take("alice", 3) // alice has 1 token left; bob, a full bucket
	perClient.Take("bob", 0)
	perClient.SetBurst(8)
	fmt.Println(perClient.Take("alice", 0).Remaining, perClient.Take("bob", 0).Remaining)
	perClient.SetBurst(2)
	fmt.Println(perClient.Take("alice", 0).Remaining, perClient.Take("bob", 0).Remaining)
	// Output:
	// 5 8
	// 2 2
}
