// Command ratelimit sends 5 requests at most one every 200 ms, printing each
// with the time it was sent: the classic ticker-limited loop, with a
// ratelimit.Ticker in place of time.Tick.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
)

func main() {
	requests := make(chan int, 5)
	for i := 1; i <= 5; i++ {
		requests <- i
	}
	close(requests)

	// Limiter: 1 request every 200ms. Unlike time.Tick it can be stopped,
	// it keeps its rate when the runtime wakes it late, and the first
	// request goes at once.
	limiter := ratelimit.NewTicker(200 * time.Millisecond)
	defer limiter.Stop()

	ctx := context.Background()
	start := time.Now()
	for req := range requests {
		if err := limiter.Wait(ctx); err != nil {
			log.Fatal(err)
		}
		fmt.Println("request", req, time.Now().Format("15:04:05.000"), time.Since(start).Round(time.Millisecond))
	}
}
