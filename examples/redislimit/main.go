// Command redislimit shows two limiters, each with a Redis client of its
// own as two instances of a service would have, sharing one budget per key
// on the Redis server at REDIS_ADDR. Without REDIS_ADDR it says how to start
// a server and exits.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/gopatterns/concurrency/ratelimit/redislimit"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

func main() {
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		fmt.Println("redislimit: REDIS_ADDR is not set; start a server and run again:")
		fmt.Println("  redis-server --port 6390 --save '' --appendonly no --daemonize yes")
		fmt.Println("  cd examples/redislimit && REDIS_ADDR=127.0.0.1:6390 go run .   (or: REDIS_ADDR=127.0.0.1:6390 make examples)")
		return
	}
	ctx := context.Background()

	// Two clients, as two processes would have: nothing is shared between
	// them but the server.
	const burst = 5
	every := rate.Every(time.Minute) // so slow that no token refills during the run
	limiters := map[string]*redislimit.Limiter{}
	for _, name := range []string{"A", "B"} {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		defer rdb.Close()
		limiters[name] = redislimit.New(rdb, every, burst)
	}

	// A key of this run's own, forgotten at the end.
	key := fmt.Sprintf("example-client-%d", os.Getpid())
	defer func() {
		if err := limiters["A"].Reset(ctx, key); err != nil {
			log.Fatal(err)
		}
	}()

	// The two instances take turns serving the same client.
	allowed := map[string]int{}
	for i := range 10 {
		name := []string{"A", "B"}[i%2]
		d, err := limiters[name].Take(ctx, key, 1)
		if err != nil {
			log.Fatal(err)
		}
		if d.Allowed {
			allowed[name]++
		}
		fmt.Printf("request %2d on instance %s: allowed %-5v remaining %d\n", i+1, name, d.Allowed, d.Remaining)
	}
	total := allowed["A"] + allowed["B"]
	fmt.Printf("instance A allowed %d, instance B allowed %d: %d in all, the burst of %d they share\n",
		allowed["A"], allowed["B"], total, burst)
	if total != burst {
		log.Fatalf("the instances allowed %d requests, want %d", total, burst)
	}
}
