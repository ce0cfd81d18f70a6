// Command errgroup runs tasks in a group: one fails, and the group's context
// tells the others to stop, so that Wait reports the failure without waiting
// for work whose result nobody will use.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gopatterns/concurrency/group"
)

func main() {
	// The context is the reason to use WithContext: it is cancelled, with the
	// first error as its cause, as soon as a task fails.
	g, ctx := group.WithContext(context.Background())

	// Task 1: succeeds.
	g.Go(func() error {
		return nil
	})

	// Task 2: fails.
	g.Go(func() error {
		return errors.New("something went wrong")
	})

	// Task 3: slow work that watches ctx. Without the context it would run
	// its whole minute before Wait could return.
	g.Go(func() error {
		select {
		case <-time.After(time.Minute):
			return nil
		case <-ctx.Done():
			fmt.Println("task 3 stopped early:", context.Cause(ctx))
			return ctx.Err()
		}
	})

	// Wait blocks until every task has returned and reports the first error.
	if err := g.Wait(); err != nil {
		fmt.Println("group error:", err)
	}
}
