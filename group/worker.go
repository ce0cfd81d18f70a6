package group

import (
	"time"

	"github.com/gopatterns/concurrency/internal/panics"
)

// worker is a goroutine of the group. It runs t and, under a limit l, the
// tasks of waiting Go calls it takes over after a short task (see
// SetLimit). Without a limit it runs t only, as errgroup's goroutines do.
func (g *Group) worker(l *limiter, t task) {
	var start time.Time // when the current task started
	if l != nil {
		start = time.Now()
	}
	for {
		g.run(l, t)
		if l == nil {
			g.wg.Done()
			return
		}
		// One clock reading per task: it ends one task and starts the
		// next.
		now := time.Now()
		next, ok := l.leave(g, now.Sub(start) < shortTask)
		// The slot is passed on before the task is counted done, so
		// that SetLimit after Wait finds no slot held.
		g.wg.Done()
		if !ok {
			return
		}
		t, start = next, now
	}
}

// run calls t.f unless the group's context is done by now, and records how
// f ended: error, panic or runtime.Goexit. A panic is recovered, and the
// goroutine goes on. After runtime.Goexit the goroutine cannot go on: it
// passes its slot to a waiting Go, if any, and counts t done as it exits.
func (g *Group) run(l *limiter, t task) {
	perr := panics.Call(func() {
		if g.done() {
			g.skipped.Store(true)
			return
		}
		if err := t.f(); err != nil {
			g.fail(err, t.seq)
		}
	}, func() {
		g.fail(ErrGoexit, t.seq)
		if l != nil {
			l.leave(g, false)
		}
		g.wg.Done()
	})
	if perr != nil {
		g.panicked(perr)
	}
}

// panicked records perr, a panic recovered from an f, and cancels the
// context with it as the cause.
func (g *Group) panicked(perr *PanicError) {
	g.mu.Lock()
	if g.perr == nil {
		g.perr = perr
	}
	g.mu.Unlock()
	if g.cancel != nil {
		g.cancel(perr)
	}
}
