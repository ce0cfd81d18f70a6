package group

import (
	"runtime"
	"time"

	"github.com/gopatterns/concurrency/internal/panics"
)

// worker is a goroutine of the group. It runs t and, under a limit l, the
// tasks it is handed next, until there are none for a moment. Without a
// limit it runs t only, as errgroup's goroutines do.
func (g *Group) worker(l *limiter, t task) {
	var id *idler
	var start time.Time    // a base for the clock readings below
	var took time.Duration // since start, when this goroutine last took a task
	if l != nil {
		id = new(idler)
		start = time.Now()
	}
	for {
		next, ok := g.run(l, id, t)
		switch {
		case ok:
			// next is the task of a Go that waited, and that Go is now
			// ready to return, queued behind this goroutine on its
			// processor. If the task that just ended was long, yield
			// to it first, so that it makes the group's next task while
			// this one runs: else a processor that runs out of work
			// waits for it for a few microseconds. After a short task
			// the yield would cost more than it saves: the Go runs when
			// this task ends.
			now := time.Since(start)
			if now-took > yieldAfter {
				runtime.Gosched()
			}
			took = now
		case l == nil || !id.listed:
			return
		default:
			if next, ok = l.linger(id); !ok {
				return
			}
			took = time.Since(start)
		}
		t = next
	}
}

// yieldAfter is how long the tasks of a group must take for a worker that
// takes over the task of a waiting Go to let that Go run first.
const yieldAfter = 2 * time.Microsecond

// run calls t.f unless the group's context is done by now, and records how
// f ended: error, panic or runtime.Goexit. Under a limit l, it then passes
// the slot on: it returns the task of a Go that waits for one, with true,
// or gives the slot up and puts the goroutine on the idle list as id.
func (g *Group) run(l *limiter, id *idler, t task) (next task, ok bool) {
	returned := false
	defer g.finish(l, id, t.seq, &returned, &next, &ok)
	if g.done() {
		g.skipped.Store(true)
		returned = true
		return
	}
	err := t.f()
	returned = true
	if err != nil {
		g.fail(err, t.seq)
	}
	return
}

// finish ends one task of the group: it records a panic or runtime.Goexit
// if f did not return, passes the slot on as run describes, and marks the
// task done. It is run's only deferred call, so that the common path pays
// for one defer, as errgroup's does.
//
// A panic is recovered and the goroutine goes on with the next task. After
// runtime.Goexit the goroutine cannot go on, so a task it took over from a
// waiting Go gets a goroutine of its own.
func (g *Group) finish(l *limiter, id *idler, seq int64, returned *bool, next *task, ok *bool) {
	goexit := false
	if !*returned {
		v := recover()
		goexit = v == nil
		g.recovered(v, seq)
	}
	if l != nil {
		if goexit {
			id = nil // a goroutine that is exiting cannot idle
		}
		*next, *ok = l.leave(id)
	}
	g.wg.Done()
	if goexit && *ok {
		go g.worker(l, *next)
	}
}

// recovered records how an f that did not return ended: v is what it
// panicked with, or nil if it called runtime.Goexit. It runs in a deferred
// call on top of the panicking frames, so the stack names the function
// that panicked.
func (g *Group) recovered(v any, seq int64) {
	if v == nil {
		g.fail(ErrGoexit, seq)
		return
	}
	perr := panics.New(v)
	g.mu.Lock()
	if g.perr == nil {
		g.perr = perr
	}
	g.mu.Unlock()
	if g.cancel != nil {
		g.cancel(perr)
	}
}
