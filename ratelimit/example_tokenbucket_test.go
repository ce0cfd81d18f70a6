package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
)

// The examples use slow rates and round the times they print, so that
// their output does not depend on how fast the machine runs them.

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

// Allow takes one token if the bucket holds one, and never blocks.
func ExampleTokenBucket_Allow() {
	bucket := ratelimit.NewTokenBucket(1, 1)
	fmt.Println(bucket.Allow(), bucket.Allow())
	// Output: true false
}

// AllowN takes all n tokens or none: a refused AllowN leaves the tokens for
// a smaller request.
func ExampleTokenBucket_AllowN() {
	bucket := ratelimit.NewTokenBucket(1, 5)
	fmt.Println(bucket.AllowN(3)) // 2 tokens left
	fmt.Println(bucket.AllowN(3)) // refused: takes nothing
	fmt.Println(bucket.AllowN(2))
	// Output:
	// true
	// false
	// true
}

// WaitN waits until n tokens are there; a request larger than the burst
// fails at once.
func ExampleTokenBucket_WaitN() {
	bucket := ratelimit.NewTokenBucket(1000, 10) // 1000 per second, bursts of 10
	ctx := context.Background()
	start := time.Now()
	bucket.WaitN(ctx, 10) // the burst, at once
	bucket.WaitN(ctx, 5)  // 5 more tokens: 5ms
	fmt.Println(time.Since(start) >= 5*time.Millisecond)
	err := bucket.WaitN(ctx, 11)
	fmt.Println(errors.Is(err, ratelimit.ErrNeverAllowed))
	// Output:
	// true
	// true
}

// Take answers a request that costs n tokens with what a server needs: to
// allow it or not, the tokens left, and when to try again.
func ExampleTokenBucket_Take() {
	bucket := ratelimit.NewTokenBucket(1, 10) // 1 per second, bursts of 10
	d := bucket.Take(8)
	fmt.Println(d.Allowed, d.Remaining, d.ResetAfter.Round(time.Second))
	d = bucket.Take(5) // refused: 3 more tokens take 3s
	fmt.Println(d.Allowed, d.Remaining, d.RetryAfter.Round(time.Second))
	d = bucket.Take(11) // more than the burst: never
	fmt.Println(d.Allowed, d.RetryAfter < 0)
	// Output:
	// true 2 8s
	// false 2 3s
	// false true
}

// SetLimit changes the rate; the tokens accrued so far are kept.
func ExampleTokenBucket_SetLimit() {
	bucket := ratelimit.NewTokenBucket(1, 1)
	bucket.Allow()
	fmt.Println(bucket.Take(1).RetryAfter.Round(time.Second))
	bucket.SetLimit(0.1) // one every 10 seconds
	fmt.Println(bucket.Take(1).RetryAfter.Round(time.Second))
	// Output:
	// 1s
	// 10s
}

// SetBurst changes the bucket's size; a bucket holding more tokens than the
// new burst loses the excess.
func ExampleTokenBucket_SetBurst() {
	bucket := ratelimit.NewTokenBucket(1, 10)
	bucket.SetBurst(3)
	fmt.Println(bucket.Take(0).Remaining, bucket.AllowN(4))
	// Output: 3 false
}

// Tokens reports what an Allow would find; Take(0) reports the same as
// whole tokens, with the rest of a Decision.
func ExampleTokenBucket_Tokens() {
	bucket := ratelimit.NewTokenBucket(1, 4)
	bucket.AllowN(3)
	fmt.Printf("%.0f %d\n", bucket.Tokens(), bucket.Take(0).Remaining)
	// Output: 1 1
}

// Limit and Burst report the bucket's configuration, as a server might for
// a status page.
func ExampleTokenBucket_Limit() {
	bucket := ratelimit.NewTokenBucket(rate.Every(100*time.Millisecond), 5)
	fmt.Println(bucket.Limit(), bucket.Burst())
	bucket.SetLimit(rate.Inf)
	fmt.Println(bucket.Limit() == rate.Inf)
	// Output:
	// 10 5
	// true
}

// Burst reports the bucket's size, after SetBurst too.
func ExampleTokenBucket_Burst() {
	bucket := ratelimit.NewTokenBucket(1, 10)
	bucket.SetBurst(3)
	fmt.Println(bucket.Burst())
	// Output: 3
}
