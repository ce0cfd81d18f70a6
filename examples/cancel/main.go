// Command cancel is the cancellation pattern: an operation that takes two
// seconds is given one, and stops when its context times out.
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gopatterns/concurrency/cancel"
)

// operation takes two seconds, unless ctx is done first.
func operation(ctx context.Context) (string, error) {
	if err := cancel.Sleep(ctx, 2*time.Second); err != nil {
		return "", err
	}
	return "Operation finished", nil
}

func main() {
	// The operation takes 2 seconds, so the 1-second timeout cancels it.
	msg, err := cancel.Timeout(context.Background(), time.Second, operation)
	if err != nil {
		fmt.Println("Operation cancelled:", err)
		return
	}
	fmt.Println(msg)
}
