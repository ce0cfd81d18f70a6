package group

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// SetLimit caps how many goroutines of the group run an f at once: n >= 0 is
// the cap (0 lets none start, so Go waits for ever), n < 0 removes it. Set
// it while no f of the group runs; changing a cap while functions started
// under it still run panics, with the message errgroup uses behind a
// "group: " prefix.
//
// Under a limit, a goroutine whose f has returned runs the next f of the
// group, if a Go is waiting or comes within a moment, instead of exiting and
// leaving Go to start a new goroutine: starting goroutines is most of what
// Go costs. Such a goroutine exits soon after the group runs out of work.
// An f therefore must not leave state behind on its goroutine that would
// surprise the next f, such as a runtime.LockOSThread without its
// UnlockOSThread or profiler labels set with pprof.SetGoroutineLabels
// (pprof.Do restores them and is fine).
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
	g.setLimiter(&limiter{n: n, maxIdle: runtime.GOMAXPROCS(0)})
}

// setLimiter makes l the group's limiter. With a context, it arranges for
// the end of the context to send every Go that waits for l away.
func (g *Group) setLimiter(l *limiter) {
	if g.wake != nil {
		g.wake()
		g.wake = nil
	}
	g.lim = l
	if g.ctx != nil && l != nil {
		g.wake = context.AfterFunc(g.ctx, l.stop)
	}
}

// lingerYields is how many times a goroutine whose f returned yields the
// processor, looking for a new f each time, before it exits. Each yield lets
// the goroutine that calls Go run; a few dozen of them cost a few
// microseconds, far less than the goroutines they save starting.
const lingerYields = 32

// A limiter caps how many goroutines of a group run an f at once, and hands
// new tasks to goroutines whose f has returned. Goroutines started under a
// limiter give their slot back to it even after SetLimit has replaced it,
// so that removing a limit while they run cannot hang Wait.
type limiter struct {
	n       int // the cap
	maxIdle int // the most goroutines on the idle list

	mu      sync.Mutex
	active  int       // goroutines that hold a slot: they run an f or are given one
	waiting []*waiter // Go calls waiting for a slot, oldest first
	idle    []*idler  // goroutines without an f, looking for one
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

// A waiter is a Go call waiting for a slot. The goroutine that frees a slot
// takes the waiter's task and sends true; the end of the context sends
// false.
type waiter struct {
	t     task
	ready chan bool
}

// An idler is a goroutine of the group without an f. A Go that finds it in
// the idle list stores the task in t and then sets has.
type idler struct {
	t      task
	has    atomic.Bool
	index  int  // in the idle list, while on it
	listed bool // put on the idle list by the goroutine's last leave
}

// running returns how many goroutines hold a slot.
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
		l.launchLocked(g, t)
		return true
	}
	w := l.spare.Swap(nil)
	if w == nil {
		w = &waiter{ready: make(chan bool, 1)}
	}
	w.t = t
	l.waiting = append(l.waiting, w)
	l.mu.Unlock()
	ok := <-w.ready
	w.t = task{}
	l.spare.Store(w)
	return ok
}

// tryTake takes a slot if one is free and the context has not ended, and
// reports whether it did. The caller then passes its task to launch.
func (l *limiter) tryTake() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped || l.active >= l.n {
		return false
	}
	l.active++
	return true
}

// launch runs t in a slot already taken.
func (l *limiter) launch(g *Group, t task) {
	l.mu.Lock()
	l.launchLocked(g, t)
}

// launchLocked gives t, which holds a slot, to an idle goroutine, or else
// starts a goroutine for it. It is called with l.mu held and unlocks it.
func (l *limiter) launchLocked(g *Group, t task) {
	if k := len(l.idle) - 1; k >= 0 {
		id := l.idle[k]
		l.idle[k] = nil
		l.idle = l.idle[:k]
		id.t = t
		id.has.Store(true)
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	go g.worker(l, t)
}

// leave gives up the slot of a goroutine whose f has ended, unless a Go
// waits for one: then it takes the waiter's task, which keeps the slot, and
// returns it with true. If id is not nil and no Go waits, the goroutine is
// put on the idle list as id, and id.listed set, if the list has room.
//
// The list holds at most one goroutine per processor: idle goroutines
// yield in turn while they linger, and more of them than processors would
// only keep the goroutine that calls Go from running.
func (l *limiter) leave(id *idler) (task, bool) {
	l.mu.Lock()
	if len(l.waiting) > 0 {
		// Shift rather than reslice: the queue is as long as the
		// number of goroutines calling Go at once, and keeps its array.
		w := l.waiting[0]
		k := copy(l.waiting, l.waiting[1:])
		l.waiting[k] = nil
		l.waiting = l.waiting[:k]
		l.mu.Unlock()
		t := w.t
		w.ready <- true // w belongs to its Go call from here on
		return t, true
	}
	l.active--
	if id != nil {
		id.listed = len(l.idle) < l.maxIdle
		if id.listed {
			id.index = len(l.idle)
			l.idle = append(l.idle, id)
		}
	}
	l.mu.Unlock()
	return task{}, false
}

// linger waits a moment on the idle list for a Go to hand id a task, and
// returns it with true; or takes id off the list and returns false.
func (l *limiter) linger(id *idler) (task, bool) {
	for range lingerYields {
		runtime.Gosched()
		if id.has.Load() {
			return id.take(), true
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if id.has.Load() {
		return id.take(), true
	}
	last := len(l.idle) - 1
	l.idle[id.index] = l.idle[last]
	l.idle[id.index].index = id.index
	l.idle[last] = nil
	l.idle = l.idle[:last]
	return task{}, false
}

// take returns the task handed to id and empties id for the next one.
func (id *idler) take() task {
	t := id.t
	id.t = task{}
	id.has.Store(false)
	return t
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
		w.ready <- false
	}
}
