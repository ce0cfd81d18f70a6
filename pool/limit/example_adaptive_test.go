package limit_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gopatterns/concurrency/pool/limit"
)

// An Adaptive limit guards calls to a dependency: take a permit, make the
// call, and tell the limit how it went.
func ExampleAdaptive() {
	var lim limit.Adaptive // the zero value is ready
	call := func() error { return nil }

	p, ok := lim.TryAcquire()
	if !ok {
		fmt.Println("shed")
		return
	}
	if err := call(); err != nil {
		p.Drop()
	} else {
		p.Done()
	}
	fmt.Println(lim.Stats().Acquired)
	// Output: 1
}

// SetBounds keeps the limit within bounds.
func ExampleAdaptive_SetBounds() {
	var lim limit.Adaptive
	lim.SetBounds(2, 8)
	fmt.Println(lim.Limit())
	// Output: 8
}

// With a queue limit of 0, Acquire refuses at once when the limit is reached.
func ExampleAdaptive_SetQueueLimit() {
	var lim limit.Adaptive
	lim.SetBounds(1, 1)
	lim.SetQueueLimit(0)
	p, _ := lim.Acquire(context.Background())
	_, err := lim.Acquire(context.Background())
	fmt.Println(errors.Is(err, limit.ErrLimited))
	p.Done()
	// Output: true
}

// Acquire waits in FIFO order for a slot.
func ExampleAdaptive_Acquire() {
	var lim limit.Adaptive
	p, err := lim.Acquire(context.Background())
	if err != nil {
		return
	}
	defer p.Done()
	fmt.Println(lim.Stats().InFlight)
	// Output: 1
}

// TryAcquire never waits: over the limit, shed the call.
func ExampleAdaptive_TryAcquire() {
	var lim limit.Adaptive
	lim.SetBounds(1, 1)
	p, ok := lim.TryAcquire()
	_, ok2 := lim.TryAcquire()
	fmt.Println(ok, ok2)
	p.Done()
	// Output: true false
}

// Limit is how many calls may run at once now.
func ExampleAdaptive_Limit() {
	var lim limit.Adaptive
	fmt.Println(lim.Limit())
	// Output: 20
}

// Stats is a snapshot of the limit and its counters.
func ExampleAdaptive_Stats() {
	var lim limit.Adaptive
	p, _ := lim.TryAcquire()
	p.Drop()
	st := lim.Stats()
	fmt.Println(st.Acquired, st.Dropped, st.InFlight, st.Limit)
	// Output: 1 1 0 16
}

// AdaptiveStats counts refusals too.
func ExampleAdaptiveStats() {
	var lim limit.Adaptive
	lim.SetBounds(1, 1)
	p, _ := lim.TryAcquire()
	lim.TryAcquire()
	fmt.Printf("%+v\n", lim.Stats())
	p.Ignore()
	// Output: {Limit:1 InFlight:1 Waiting:0 Acquired:1 Rejected:1 Dropped:0}
}

// Done releases a permit with a latency sample.
func ExamplePermit_Done() {
	var lim limit.Adaptive
	p, _ := lim.TryAcquire()
	p.Done()
	fmt.Println(lim.Stats().InFlight)
	// Output: 0
}

// Drop shrinks the limit at once.
func ExamplePermit_Drop() {
	var lim limit.Adaptive
	p, _ := lim.TryAcquire()
	p.Drop()
	fmt.Println(lim.Limit())
	// Output: 16
}

// Ignore frees the slot without a sample.
func ExamplePermit_Ignore() {
	var lim limit.Adaptive
	p, _ := lim.TryAcquire()
	p.Ignore()
	fmt.Println(lim.Limit(), lim.Stats().InFlight)
	// Output: 20 0
}

// ErrLimited is the refusal of a full queue.
func ExampleErrLimited() {
	var lim limit.Adaptive
	lim.SetBounds(1, 1)
	lim.SetQueueLimit(0)
	p, _ := lim.TryAcquire()
	defer p.Done()
	_, err := lim.Acquire(context.Background())
	fmt.Println(err)
	// Output: limit: over the limit
}

// A Permit is released once, by Done, Drop or Ignore; defer makes sure of it.
func ExamplePermit() {
	var lim limit.Adaptive
	work := func() (overloaded bool, err error) { return false, nil }

	p, err := lim.Acquire(context.Background())
	if err != nil {
		return
	}
	overloaded, err := work()
	switch {
	case overloaded:
		p.Drop()
	case err != nil:
		p.Ignore()
	default:
		p.Done()
	}
	fmt.Println(lim.Stats().InFlight)
	// Output: 0
}
