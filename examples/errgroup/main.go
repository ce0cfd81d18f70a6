// Command errgroup runs two tasks in a group: one succeeds, one fails, and
// Wait reports the failure.
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gopatterns/concurrency/group"
)

func main() {
	g, _ := group.WithContext(context.Background())

	// Task 1: Success
	g.Go(func() error {
		return nil
	})

	// Task 2: Failure
	g.Go(func() error {
		return errors.New("something went wrong")
	})

	// Wait blocks until all functions return
	if err := g.Wait(); err != nil {
		fmt.Println("Group error:", err)
	}
}
