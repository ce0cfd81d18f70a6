// Command fanout is the classic fan-out / fan-in program written with
// package pipeline: a generator of 0..9, two squaring workers, and a merge
// of their outputs. Unlike the hand-written original, every goroutine stops
// when ctx is done, even if main stops reading.
package main

import (
	"context"
	"fmt"

	"github.com/gopatterns/concurrency/pipeline"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	in := pipeline.Generate(ctx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)

	// Fan-out: two workers read from the same channel.
	workers := pipeline.FanOut(ctx, in, 2, func(n int) int { return n * n })

	// Fan-in: merge the workers' outputs into one channel.
	for n := range pipeline.Merge(ctx, workers...) {
		fmt.Println(n)
	}
}
