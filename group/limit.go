package group

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// SetLimit caps how many goroutines of the group run an f at once: n >= 0 is
// the cap (0 lets none start, so Go waits for ever), n < 0 removes it. Set
// it while no f of the group runs; changing a cap while functions started
// under it still run panics, with the message errgroup uses behind a
// "group: " prefix.
//
// Under a limit, a Go that waits for a free slot does not start the
// goroutine for its f itself: the goroutine of the group whose f returns
// first runs the waiting f, if its own f took less than a few microseconds,
// or else starts a goroutine for it. For short functions, starting
// goroutines is most of what Go costs. An f may thus run on a goroutine
// that a goroutine of the group started or ran an earlier f on: it has that
// goroutine's profiler labels rather than those of the Go caller, a panic's
// stack names that goroutine as its creator, and it finds the goroutine as
// the earlier f left it (an f that calls runtime.LockOSThread must call
// UnlockOSThread).
func (g *Group) SetLimit(n int) {
	if n < 0 {
		g.setLimiter(nil)
		return
	}
	if l := g.lim; l != nil {
		if active := l.running(); active != 0 {
			panic(fmt.Errorf("group: modify limit while %v goroutines in the group are still active", active))
		}
	}
	g.setLimiter(&limiter{n: n})
}

// setLimiter makes l the group's limiter. With a context, it arranges for
// the end of the context to send every Go that waits for l away. The
// arrangements for earlier limiters stay until Wait: a Go may still wait
// for one of them.
func (g *Group) setLimiter(l *limiter) {
	g.lim = l
	if g.ctx != nil && l != nil {
		g.stops = append(g.stops, context.AfterFunc(g.ctx, l.stop))
	}
}

// shortTask is how long an f may take for its goroutine to run the f of a
// waiting Go next. After a longer f the goroutine starts a new goroutine
// for the waiting f and exits, as errgroup's goroutines do: running the
// waiting f at once would leave that Go queued behind it, and a processor
// that runs out of work meanwhile would have to wait for it.
const shortTask = 2 * time.Microsecond

// A limiter caps how many goroutines of a group run an f at once. Goroutines
// started under a limiter give their slot back to it even after SetLimit
// has replaced it, so that removing a limit while they run cannot hang
// Wait.
type limiter struct {
	n int // the cap

	mu      sync.Mutex
	active  int       // slots held: by goroutines, or by a Go about to start one
	waiting []*waiter // Go calls waiting for a slot, oldest first
	stopped bool      // the group's context is done: nobody waits any more

	// spare is a waiter to reuse: a Go at the limit waits on every call.
	// (A sync.Pool shared by every group would hand channels made in one
	// testing/synctest bubble to goroutines outside it.)
	spare atomic.Pointer[waiter]
}

// A task is an f to run, with the number of its Go call when the group
// joins errors.
type task struct {
	f   func() error
	seq int64
}

// A waiter is a Go call waiting for a slot. Its wait ends with the outcome
// sent on ready.
type waiter struct {
	t     task
	ready chan outcome
}

// outcome is how the wait of a waiter ended.
type outcome int

const (
	taken   outcome = iota // a goroutine runs the task under the slot it was handed
	stopped                // the context ended: the task does not run
)

// running returns how many slots are held.
func (l *limiter) running() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.active
}

// enter runs t under the limit, waiting for a slot while the limit is
// reached, and reports whether it did: false when the group's context ended
// first.
func (l *limiter) enter(g *Group, t task) bool {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return false
	}
	if l.active < l.n {
		l.active++
		l.mu.Unlock()
		go g.worker(l, t)
		return true
	}
	w := l.spare.Swap(nil)
	if w == nil {
		w = &waiter{ready: make(chan outcome, 1)}
	}
	w.t = t
	l.waiting = append(l.waiting, w)
	l.mu.Unlock()
	out := <-w.ready
	w.t = task{}
	l.spare.Store(w)
	return out == taken
}

// tryTake takes a slot if one is free and the context has not ended, and
// reports whether it did.
func (l *limiter) tryTake() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped || l.active >= l.n {
		return false
	}
	l.active++
	return true
}

// leave passes on the slot of a goroutine whose f has ended. If a Go waits
// for a slot, leave takes over its task and returns it with true when
// takeOver is set, and else starts a goroutine of g for it under the slot
// before it lets that Go return. The Go then runs first on this processor
// once this goroutine exits, makes its next call and waits, and the new
// goroutine runs after it; or a processor that runs out of work takes the
// new goroutine at once. If no Go waits, the slot is free again.
func (l *limiter) leave(g *Group, takeOver bool) (task, bool) {
	l.mu.Lock()
	if len(l.waiting) == 0 {
		l.active--
		l.mu.Unlock()
		return task{}, false
	}
	// Shift rather than reslice: the queue is as long as the number of
	// goroutines calling Go at once, and keeps its array.
	w := l.waiting[0]
	k := copy(l.waiting, l.waiting[1:])
	l.waiting[k] = nil
	l.waiting = l.waiting[:k]
	l.mu.Unlock()
	t := w.t
	if !takeOver {
		go g.worker(l, t)
		w.ready <- taken
		return task{}, false
	}
	w.ready <- taken // w belongs to its Go call from here on
	return t, true
}

// stop sends away every Go waiting for a slot, now and later: the group's
// context is done, so no f may start.
func (l *limiter) stop() {
	l.mu.Lock()
	l.stopped = true
	waiting := l.waiting
	l.waiting = nil
	l.mu.Unlock()
	for _, w := range waiting {
		w.ready <- stopped
	}
}
