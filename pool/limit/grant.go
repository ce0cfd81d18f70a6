package limit

import "time"

// The bookkeeping of Adaptive's permits: grants, waiters and releases.

// start sets the Adaptive up on first use. It must be called with mu held.
func (a *Adaptive) start() {
	if a.started {
		return
	}
	a.started = true
	a.epoch = time.Now()
	a.est.min, a.est.max = 1, defaultMax
	if a.boundsSet {
		a.est.min, a.est.max = float64(a.minL), float64(a.maxL)
	}
	a.est.init(0)
}

// now is the time in ns since the epoch; time.Since reads only the
// monotonic clock, which is cheaper than time.Now.
func (a *Adaptive) now() int64 { return int64(time.Since(a.epoch)) }

// grant takes a slot. It must be called with mu held, and a slot free.
// Only the calls the estimator samples read the clock: see estimator.timed.
func (a *Adaptive) grant() Permit {
	var t *ticket
	if n := len(a.free); n > 0 {
		t = a.free[n-1]
		a.free = a.free[:n-1]
	} else {
		t = &ticket{a: a}
	}
	a.inflight++
	a.acquired++
	t.seq, t.probe = a.acquired, a.est.probeCall()
	t.timed = a.est.timed(a.acquired)
	if t.timed {
		t.start = a.now()
	}
	if grantHook != nil {
		grantHook(a.inflight, a.est.allowed(), int(a.est.limit))
	}
	a.est.granted(a.inflight)
	return Permit{t: t, gen: t.gen}
}

// grantWaiters grants slots to the waiters at the head of the queue while
// the limit allows. It must be called with mu held.
func (a *Adaptive) grantWaiters() {
	for w := a.waiters.head; w != nil && a.inflight < a.est.allowed(); w = a.waiters.head {
		w.tk = a.grant().t
		a.waiters.grant(w)
	}
}

// release ends the use of t by the permit of generation gen, and retires
// that generation: a second release of the same permit panics.
func (a *Adaptive) release(t *ticket, gen uint64, o outcome) {
	a.mu.Lock()
	if t.gen != gen {
		a.mu.Unlock()
		panic("limit: permit released twice")
	}
	t.gen++
	a.inflight--
	a.free = append(a.free, t)
	if o == outcomeDrop {
		a.dropped++
		a.est.drop(a.now(), t, a.acquired)
	}
	if t.timed {
		now := a.now()
		rtt := -1.0
		if o == outcomeDone {
			rtt = float64(max(now-t.start, 0))
		}
		a.est.sample(now, t, rtt, a.acquired)
	}
	a.grantWaiters()
	a.mu.Unlock()
}
