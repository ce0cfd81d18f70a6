package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gopatterns/concurrency/ratelimit/httplimit"
	"github.com/gopatterns/concurrency/ratelimit/redislimit"
	"github.com/redis/go-redis/v9"
)

// The limiter under the HTTP middleware: every instance of the service that
// runs this shares one budget of 10 requests per second, bursts of 20, per
// client address. It needs a Redis server, so it has no output here.
func Example() {
	rdb := redis.NewClient(&redis.Options{
		Addr:                  "localhost:6379",
		DialTimeout:           100 * time.Millisecond,
		DialerRetries:         1,
		MaxRetries:            1,
		ReadTimeout:           100 * time.Millisecond,
		WriteTimeout:          100 * time.Millisecond,
		ContextTimeoutEnabled: true,
	})
	defer rdb.Close()
	limiter := &httplimit.Limiter{Store: redislimit.New(rdb, 10, 20)}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello")
	})
	log.Fatal(http.ListenAndServe(":8080", limiter.Wrap(hello)))
}

// Take decides and reports what the answer to a client needs. This example
// runs against miniredis, an in-process stand-in for a server, whose clock
// stands still; with a real server the times count down.
func ExampleLimiter_Take() {
	srv := miniredis.NewMiniRedis()
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SetTime(time.Unix(1_700_000_000, 0))
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()

	l := redislimit.New(rdb, 2, 3) // 2 per second, bursts of 3
	for range 4 {
		d, err := l.Take(context.Background(), "client-42", 1)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("allowed=%v remaining=%d retry=%v full=%v\n", d.Allowed, d.Remaining, d.RetryAfter, d.ResetAfter)
	}
	// Output:
	// allowed=true remaining=2 retry=0s full=500ms
	// allowed=true remaining=1 retry=0s full=1s
	// allowed=true remaining=0 retry=0s full=1.5s
	// allowed=false remaining=0 retry=500ms full=1.5s
}

// Wait paces a job that many workers run at once: together they make at
// most 5 calls per second to a partner's API. It needs a Redis server, so
// it has no output here.
func ExampleLimiter_Wait() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()
	l := redislimit.New(rdb, 5, 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range 10 {
		if err := l.Wait(ctx, "partner-api"); err != nil {
			log.Fatal(err) // the deadline, or Redis unavailable
		}
		fmt.Println("call", i)
	}
}

// With a failure policy the Limiter decides by itself while Redis is away:
// here each of 4 instances allows a quarter of the rate, and the handler
// logs what happened. It needs a Redis server, so it has no output here.
func ExampleLimiter_SetFailurePolicy() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()
	l := redislimit.New(rdb, 100, 100)
	l.SetFailurePolicy(redislimit.FailLocal(0.25))
	l.SetErrorHandler(func(err error) {
		if errors.Is(err, redislimit.ErrUnavailable) {
			log.Print(err)
		}
	})
	ok, err := l.Allow(context.Background(), "client-42") // err is nil under the policy
	fmt.Println(ok, err)
}

// The Limiter is an httplimit.Store.
var _ httplimit.Store = (*redislimit.Limiter)(nil)
