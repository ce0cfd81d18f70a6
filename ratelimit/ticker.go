package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"
)

// A Ticker allows one event per interval, on a fixed grid: tick k is due at
// start + k*interval, where start is when NewTicker was called, so the first
// event may happen at once. It is the time.Tick limiter done right:
//
//   - It keeps its long-run rate. A caller that comes late (a Go timer wakes
//     about 1 ms late) gets every tick that fell due in the last CatchUp
//     (10 ms) at once, so at most 1 + CatchUp/interval events pass at once:
//     101 at 10,000 per second, 1 below 100 per second. time.Ticker
//     drops such ticks and falls behind.
//   - Idle time builds no burst. When the next tick is more than CatchUp
//     overdue, the grid starts again at the caller's time: after an idle
//     minute exactly one event passes at once.
//   - It needs no goroutine and no channel to drain, and Stop wakes every
//     blocked Wait.
//
// The zero value is a stopped Ticker. A Ticker is safe for concurrent use and
// must not be copied after first use.
type Ticker struct {
	mu       sync.Mutex
	interval time.Duration
	base     time.Time
	next     time.Duration // due time of the next free tick, since base
	stopped  bool
	stop     chan struct{} // closed by Stop
}

// NewTicker returns a Ticker that allows one event per interval. It panics
// if interval <= 0.
func NewTicker(interval time.Duration) *Ticker {
	if interval <= 0 {
		panic("ratelimit: interval <= 0")
	}
	return &Ticker{interval: interval, base: time.Now(), stop: make(chan struct{})}
}

// Allow reports whether a tick is due now, and takes it if so. It never
// blocks, and reports false after Stop.
func (t *Ticker) Allow() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped || t.interval <= 0 {
		return false
	}
	now := t.now()
	if t.next > now || t.next > math.MaxInt64-t.interval {
		return false
	}
	t.next += t.interval
	return true
}

// Wait blocks until the next free tick is due and takes it. Each Wait
// reserves its tick on entry, so waiters are served in the order they call.
// If ctx is done first, Wait returns context.Cause(ctx) and gives its tick
// back unless a later Wait has already reserved one behind it. If the tick
// would come only after ctx's deadline, Wait returns at once, taking
// nothing, with an error for which errors.Is(err, context.DeadlineExceeded)
// holds. A tick so far ahead that the one after it would lie beyond the
// Ticker's clock, about 292 years after NewTicker, is never handed out: Wait
// then returns at once with an error for which errors.Is(err,
// ErrNeverAllowed) holds. After Stop, Wait returns ErrStopped at once, and so
// does every Wait blocked when Stop is called. Wait panics if ctx is nil.
func (t *Ticker) Wait(ctx context.Context) error {
	if ctx == nil {
		panic("ratelimit: nil context")
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	delay, undo, err := t.reserve(maxWait(ctx), true)
	if err != nil || delay <= 0 {
		return err
	}
	if err := sleep(ctx, delay, t.stop); err != nil {
		undo(true)
		return err
	}
	return nil
}

// Stop stops the Ticker: from then on Allow reports false and Wait returns
// ErrStopped, and every blocked Wait returns ErrStopped at once. Stop may be
// called more than once.
func (t *Ticker) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.stopped && t.stop != nil {
		close(t.stop)
	}
	t.stopped = true
}

// reserve takes the next free tick, waiting at most maxWait for it, and
// returns the wait and a function that gives the tick back. With wait false
// it takes only a tick that is due now.
func (t *Ticker) reserve(maxWait time.Duration, wait bool) (time.Duration, func(bool), error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped || t.interval <= 0 {
		return 0, nil, ErrStopped
	}
	now := t.now()
	at := t.next
	delay := at - now
	if delay > 0 && (!wait || delay > maxWait) {
		return 0, nil, errDeadline
	}
	if at > math.MaxInt64-t.interval {
		return 0, nil, errBeyondClock
	}
	t.next += t.interval
	return delay, func(bool) { t.unreserve(at) }, nil
}

// unreserve gives back the tick due at at, if no later tick was taken.
func (t *Ticker) unreserve(at time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.next == at+t.interval {
		t.next = at
	}
}

// now returns the time since t.base, first moving the grid forward if the
// next free tick is more than CatchUp overdue. The caller holds t.mu.
func (t *Ticker) now() time.Duration {
	now := time.Since(t.base)
	if now-t.next > CatchUp {
		t.next = now
	}
	return now
}
