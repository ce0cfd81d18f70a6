// Command workerpool is the classic worker pool written with package pool:
// five jobs, three workers, each result twice its job.
package main

import (
	"fmt"
	"time"

	"github.com/gopatterns/concurrency/pool"
)

func main() {
	const numJobs = 5
	const numWorkers = 3

	// The pool has no worker numbers of its own; a worker takes one from
	// ids while it runs a job. At most numWorkers jobs run at once, so
	// taking an id never blocks.
	ids := make(chan int, numWorkers)
	for w := 1; w <= numWorkers; w++ {
		ids <- w
	}
	results := make(chan int, numJobs)

	p := pool.New(numWorkers, func(j int) {
		id := <-ids
		defer func() { ids <- id }()
		fmt.Printf("Worker %d started job %d\n", id, j)
		time.Sleep(time.Second) // simulate work
		results <- j * 2
	})
	for j := 1; j <= numJobs; j++ {
		p.Submit(j)
	}
	p.Close() // runs every queued job; no worker is left when it returns

	for a := 1; a <= numJobs; a++ {
		fmt.Println("result", <-results)
	}
}
