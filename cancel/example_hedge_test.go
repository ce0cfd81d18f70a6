package cancel_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/cancel"
)

// replica returns a function that stands for a call to one of several
// replicas: the first call is stuck until it is cancelled, the others
// answer at once.
func replica() func(ctx context.Context) (string, error) {
	var calls atomic.Int32
	return func(ctx context.Context) (string, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done()
			return "", context.Cause(ctx)
		}
		return "answer", nil
	}
}

// Hedge sends a second call when the first has not answered after the
// delay, and keeps the first answer; the stuck call is cancelled.
func ExampleHedge() {
	h := &cancel.Hedger{Delay: 10 * time.Millisecond}
	v, err := cancel.Hedge(context.Background(), h, replica())
	fmt.Println(v, err)
	// Output: answer <nil>
}

// A Hedger is shared by every call to the same dependency: with Delay 0 it
// learns the delay from the latencies of recent calls, and its budget
// bounds the extra calls. Until 20 latencies are known it sends no hedge.
func ExampleHedger() {
	h := &cancel.Hedger{Quantile: 0.9, Budget: 0.05}
	for range 20 {
		cancel.Hedge(context.Background(), h, func(ctx context.Context) (int, error) {
			return 1, nil
		})
	}
	s := h.Stats()
	fmt.Println(s.Calls, s.Hedges, s.Delay > 0)
	// Output: 20 0 true
}

// Stats reports how many calls hedged and how many answers came from a
// hedge. With a fixed Delay, Stats.Delay is that Delay.
func ExampleHedger_Stats() {
	h := &cancel.Hedger{Delay: 10 * time.Millisecond}
	for range 3 {
		cancel.Hedge(context.Background(), h, replica())
	}
	fmt.Printf("%+v\n", h.Stats())
	// Output: {Calls:3 Hedges:3 Won:3 Delay:10ms}
}

// HedgeStats can be compared between two reads to tell the share of calls
// hedged over a period.
func ExampleHedgeStats() {
	h := &cancel.Hedger{Delay: 10 * time.Millisecond}
	before := h.Stats()
	for i := range 4 {
		f := replica()
		if i%2 == 0 {
			f = func(context.Context) (string, error) { return "fast", nil }
		}
		cancel.Hedge(context.Background(), h, f)
	}
	after := h.Stats()
	calls, hedges := after.Calls-before.Calls, after.Hedges-before.Hedges
	fmt.Printf("%d of %d calls hedged\n", hedges, calls)
	// Output: 2 of 4 calls hedged
}
