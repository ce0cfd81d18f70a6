// Command fanout is the classic fan-out / fan-in program written with
// package pipeline: a generator of 0..9, two squaring workers, and a merge
// of their outputs. Unlike the hand-written original, every goroutine stops
// when ctx is done, even if main stops reading, and the scope's Wait joins
// them all before main returns, re-raising a panic of a worker if there
// was one.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/gopatterns/concurrency/pipeline"
)

func main() {
	s, ctx := pipeline.WithScope(context.Background())

	in := pipeline.Generate(ctx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)

	// Fan-out: two workers read from the same channel.
	workers := pipeline.FanOut(ctx, in, 2, func(n int) int { return n * n })

	// Fan-in: merge the workers' outputs into one channel.
	for n := range pipeline.Merge(ctx, workers...) {
		fmt.Println(n)
	}

	// Every stage has finished: Wait returns nil, or why the pipeline was
	// stopped early.
	if err := s.Wait(); err != nil {
		log.Fatal(err)
	}
}
