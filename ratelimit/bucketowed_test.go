package ratelimit

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestOwedTokensCappedAfterCancel checks that the tokens a late Wait loop
// may take above burst stay r*(now-D), D being the newest Wait's time, when
// a cancelled Wait gave tokens back meanwhile. At 1000/s with burst 2, A
// reserves 2 tokens due at 2ms and B one due at 3ms; A's cancellation gives
// back the token B does not count on. 8ms after B's time, the schedule owes
// 8 tokens, not the 9 that refilled since.
func TestOwedTokensCappedAfterCancel(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1_000, 2)
		b.AllowN(2)
		ctxA, cancelA := context.WithCancel(context.Background())
		done := make(chan error, 2)
		go func() { done <- b.WaitN(ctxA, 2) }()
		synctest.Wait()
		go func() { done <- b.WaitN(context.Background(), 1) }()
		synctest.Wait()
		cancelA()
		<-done
		<-done
		time.Sleep(8 * time.Millisecond) // B woke at 3ms
		if got := waitsAtOnce(t, b.Wait); got != 8 {
			t.Errorf("8ms after the newest Wait's time: %d Waits at once, want 8", got)
		}
	})
}
