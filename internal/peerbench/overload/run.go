package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// deadline is how long a call may take from its arrival.
const deadline = 200 * time.Millisecond

// tick is how often the rows' limits are sampled; bin is the width of the
// goodput series.
const (
	tick = 10 * time.Millisecond
	bin  = 100 * time.Millisecond
)

// A row is one limiter in front of its own dependency, and what it measured.
type row struct {
	rowSpec
	lim limiter
	dep *dependency

	phases []phaseStats   // per phase, by arrival
	limits []int          // the limit every tick
	good   []atomic.Int32 // calls done in time, per bin of their end

	mu sync.Mutex // guards the done, failed and latency fields of phases
}

// phaseStats is what a row measured of the calls that arrived in a phase.
type phaseStats struct {
	arrived, shed int // written by the dispatcher only
	done, failed  int
	latency       []time.Duration // of granted calls, from grant to end or failure
}

// run replays the trace against every row at once, in real time, and
// returns when every call has ended.
func run(ps []phase, tr []arrival, slots int, specs []rowSpec) []*row {
	end := ps[len(ps)-1].start + ps[len(ps)-1].duration
	rows := make([]*row, len(specs))
	for i, s := range specs {
		rows[i] = &row{
			rowSpec: s,
			lim:     s.make(slots),
			dep:     newDependency(slots),
			phases:  make([]phaseStats, len(ps)),
			good:    make([]atomic.Int32, int(end/bin)+1),
		}
	}
	var calls sync.WaitGroup
	start := time.Now()
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go sample(rows, start, end, stop, sampled)

	next := 0
	for i, p := range ps {
		time.Sleep(time.Until(start.Add(p.start)))
		for _, r := range rows {
			r.dep.resize(p.slots)
			r.lim.resize(p.slots)
		}
		for ; next < len(tr) && tr[next].phase == i; next++ {
			a := tr[next]
			if d := time.Until(start.Add(a.at)); d > 0 {
				time.Sleep(d)
			}
			// Each arrival visits the rows in turn from another one, so
			// that no row always starts its call first.
			for k := range rows {
				rows[(next+k)%len(rows)].arrive(a, start, &calls)
			}
		}
	}
	time.Sleep(time.Until(start.Add(end)))
	close(stop)
	<-sampled
	calls.Wait()
	return rows
}

// arrive offers one call to the row's limiter and, when it is granted,
// serves it on a goroutine of its own.
func (r *row) arrive(a arrival, start time.Time, calls *sync.WaitGroup) {
	ps := &r.phases[a.phase]
	ps.arrived++
	release, ok := r.lim.try()
	if !ok {
		ps.shed++
		return
	}
	calls.Add(1)
	go func() {
		defer calls.Done()
		granted := time.Now()
		dl := time.NewTimer(deadline)
		done := r.dep.call(a.service, dl)
		dl.Stop()
		now := time.Now()
		release(done)
		if done {
			if b := int(now.Sub(start) / bin); b < len(r.good) {
				r.good[b].Add(1)
			}
		}
		r.mu.Lock()
		if done {
			ps.done++
		} else {
			ps.failed++
		}
		ps.latency = append(ps.latency, now.Sub(granted))
		r.mu.Unlock()
	}()
}

// sample records every row's limit once a tick until the run's end or
// stop. Sample i stands for start + (i+1)·tick: a late tick fills the
// ticks it missed with the limit it reads.
func sample(rows []*row, start time.Time, end time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(tick)
	defer t.Stop()
	n := int(end / tick)
	for len(rows[0].limits) < n {
		stopped := false
		select {
		case <-stop: // after the end: fill in the last samples
			stopped = true
		case <-t.C:
		}
		for want := min(int(time.Since(start)/tick), n); len(rows[0].limits) < want; {
			for _, r := range rows {
				r.limits = append(r.limits, r.lim.limit())
			}
		}
		if stopped {
			return
		}
	}
}
