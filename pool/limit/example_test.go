package limit_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gopatterns/concurrency/pool/limit"
)

// A Semaphore bounds the weight of the calls that run at once.
func ExampleSemaphore() {
	s := limit.NewSemaphore(3)
	if err := s.Acquire(context.Background(), 2); err != nil {
		panic(err)
	}
	fmt.Println(s.TryAcquire(2), s.InUse())
	s.Release(2)
	fmt.Println(s.TryAcquire(2), s.InUse())
	// Output:
	// false 2
	// true 2
}

// NewSemaphore makes a semaphore of a given size.
func ExampleNewSemaphore() {
	s := limit.NewSemaphore(10)
	fmt.Println(s.Size(), s.InUse())
	// Output: 10 0
}

// Acquire waits for the units, or returns the cause of ctx's end.
func ExampleSemaphore_Acquire() {
	s := limit.NewSemaphore(1)
	_ = s.Acquire(context.Background(), 1)
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("shutting down"))
	fmt.Println(s.Acquire(ctx, 1))
	// Output: shutting down
}

// TryAcquire never waits.
func ExampleSemaphore_TryAcquire() {
	s := limit.NewSemaphore(1)
	fmt.Println(s.TryAcquire(1), s.TryAcquire(1))
	// Output: true false
}

// Release gives units back.
func ExampleSemaphore_Release() {
	s := limit.NewSemaphore(4)
	s.TryAcquire(3)
	s.Release(2)
	fmt.Println(s.InUse())
	// Output: 1
}

// Resize changes the size while units are held: shrinking below InUse lets
// nobody in until enough units come back.
func ExampleSemaphore_Resize() {
	s := limit.NewSemaphore(4)
	s.TryAcquire(4)
	s.Resize(2)
	fmt.Println(s.Size(), s.InUse(), s.TryAcquire(1))
	s.Release(3)
	fmt.Println(s.Size(), s.InUse(), s.TryAcquire(1))
	// Output:
	// 2 4 false
	// 2 1 true
}

// Size is the most units that can be held at once.
func ExampleSemaphore_Size() {
	fmt.Println(limit.NewSemaphore(7).Size())
	// Output: 7
}

// InUse is the units held now.
func ExampleSemaphore_InUse() {
	s := limit.NewSemaphore(7)
	s.TryAcquire(5)
	fmt.Println(s.InUse())
	// Output: 5
}
