package limit

import "math"

// Parameters of the estimator; see Adaptive's documentation for why.
const (
	initialLimit   = 20
	defaultMax     = 1000
	dropFactor     = 0.8 // Drop shrinks the limit to this fraction of it
	probeEvery     = 400 // a probe per this many no-queue latencies...
	probeMinPeriod = 500e6
	probeMaxPeriod = 10e9 // ...but no more often than 0.5 s, no less than 10 s
	probeBaseGain  = 0.25 // weight of a probe's mean in the no-queue latency
)

// An estimator turns latency samples into a limit. It is Adaptive's
// algorithm, kept apart from the bookkeeping of permits and waiters; it is
// not safe for concurrent use (Adaptive holds its mutex around every call).
// Times are in ns since the Adaptive's epoch.
type estimator struct {
	limit    float64
	min, max float64
	base     float64 // no-queue latency in ns; 0 until the first window ends

	// The window of samples the next update uses.
	winStart int64
	winSum   float64
	winN     int
	winPeak  int  // most permits in flight at a grant in the window
	winBound bool // the limit held calls back in the window

	// The probe of the no-queue latency.
	probing     bool
	probeStart  int64
	probeSum    float64
	probeSq     float64 // sum of squares, for the spread of the samples
	probeN      int     // samples of the probe's calls
	probeEnded  int     // probe's calls released
	probeWant   int     // the probe's calls: the first grants of the probe
	probeGiven  int     // probe's calls granted so far
	changed     int     // -1 or 1: the last probe saw a change that way
	changedMean float64 // and its mean
	nextProbe   int64

	shrunkAt uint64 // grant number at the last shrink by Drop

	// Reading the clock costs more than the rest of a grant and release
	// together, so when grants come faster than one per minSpacing, only
	// one grant in every `every` is timed; all are during a probe.
	every  uint64
	winSeq uint64 // grant number at the start of the window
}

const minSpacing = 2000 // ns

func (e *estimator) init(now int64) {
	e.limit = e.clamp(initialLimit)
	e.every = 1
	e.nextProbe = math.MaxInt64 // until the first window gives a latency
	e.winStart = now
}

func (e *estimator) clamp(l float64) float64 { return math.Max(e.min, math.Min(e.max, l)) }

// allowed is how many permits may be in flight now: the limit, or during a
// probe probeLevel.
func (e *estimator) allowed() int {
	if e.probing {
		return e.probeLevel()
	}
	return int(e.limit)
}

// probeLevel is how many permits a probe lets be in flight: half the limit,
// never fewer than max(1, min).
func (e *estimator) probeLevel() int { return max(int(e.limit)/2, int(e.min), 1) }

// timed reports whether the grant numbered seq is a latency sample.
func (e *estimator) timed(seq uint64) bool { return e.probing || seq%e.every == 0 }

// probeCall reports whether a grant now is one of the probe's calls, whose
// latency measures the no-queue latency. The probe waits for all of them:
// ending it at its first completions would measure the short calls only.
func (e *estimator) probeCall() bool {
	if !e.probing || e.probeGiven >= e.probeWant {
		return false
	}
	e.probeGiven++
	return true
}

// granted notes a grant that left inflight permits in flight.
func (e *estimator) granted(inflight int) {
	e.winPeak = max(e.winPeak, inflight)
	if inflight >= e.allowed() {
		e.winBound = true
	}
}

// sample takes the latency of a call released with Done, or -1 for a call
// released otherwise.
func (e *estimator) sample(now int64, t *ticket, rtt float64, seq uint64) {
	if t.probe && e.probing {
		e.probeEnded++
		if rtt >= 0 {
			e.probeSum += rtt
			e.probeSq += rtt * rtt
			e.probeN++
		}
		if e.probeEnded >= e.probeWant {
			e.endProbe(now)
		}
		return
	}
	if e.probing {
		if float64(now-e.probeStart) > 4*math.Max(e.base, rtt) && e.base > 0 {
			e.endProbe(now) // the probe's calls are lost: keep the old latency
		}
		return
	}
	// A probe is due; it starts once more calls are in flight than it
	// lets in: with fewer, it could neither drain a queue nor cost a thing,
	// and it would only hold back a burst that comes while it lasts.
	if now >= e.nextProbe && e.winPeak > e.probeLevel() {
		e.startProbe(now)
		return
	}
	if rtt < 0 {
		return
	}
	e.winSum += rtt
	e.winN++
	if e.winN >= max(4, 2*int(e.limit)) && float64(now-e.winStart) >= e.base {
		if e.base == 0 {
			// The first window's latency is the first guess of the
			// no-queue latency; a probe follows at once to measure it.
			e.base = e.winSum / float64(e.winN)
			e.nextProbe = now
		}
		e.update()
		e.pace(now, seq)
		e.resetWindow(now)
	}
}

// update moves the limit toward the dependency's concurrency plus a small
// queue, from the mean latency of the window: as TCP Vegas, it estimates
// the calls queued at the dependency as peak * (1 - base/mean).
func (e *estimator) update() {
	mean := e.winSum / float64(e.winN)
	peak := math.Min(float64(e.winPeak), e.limit)
	q := peak * (1 - e.base/mean)
	lg := math.Log10(math.Max(e.limit, 10))
	alpha, beta := 2*lg, 4*lg
	switch {
	case q > beta:
		e.limit -= math.Max(0.5, (q-beta)/2)
	case q < alpha && e.winBound:
		if q < 1 {
			e.limit += math.Max(1, e.limit/8)
		} else {
			e.limit++
		}
	}
	e.limit = e.clamp(e.limit)
}

// drop shrinks the limit at once, unless the call was granted before the
// last shrink by a drop: it saw the old limit, and the overload it reports
// has been answered.
func (e *estimator) drop(now int64, t *ticket, seq uint64) {
	if t.seq <= e.shrunkAt {
		return
	}
	e.shrunkAt = seq
	e.limit = e.clamp(e.limit * dropFactor)
	e.resetWindow(now)
}

// pace sets every from the rate of grants in the window that ends now.
func (e *estimator) pace(now int64, seq uint64) {
	if d := now - e.winStart; d > 0 {
		e.every = min(max(1, (seq-e.winSeq)*minSpacing/uint64(d)), 64)
	}
	e.winSeq = seq
}

func (e *estimator) resetWindow(now int64) {
	e.winStart, e.winSum, e.winN, e.winPeak, e.winBound = now, 0, 0, 0, false
}

func (e *estimator) startProbe(now int64) {
	e.probing = true
	e.probeStart = now
	e.probeSum, e.probeSq, e.probeN, e.probeEnded, e.probeGiven = 0, 0, 0, 0, 0
	e.probeWant = max(8, e.allowed())
}

// endProbe takes the mean latency of the calls granted during the probe as
// a measure of the no-queue latency, and schedules the next probe.
func (e *estimator) endProbe(now int64) {
	e.probing = false
	if e.probeN > 0 {
		n := float64(e.probeN)
		m := e.probeSum / n
		// A probe whose mean lies further from the old latency than the noise of
		// its samples explains (three standard errors, and a tenth) may report a
		// lasting change. Another probe follows soon to confirm it; when it lies
		// beyond on the same side too, the latency takes the mean of the two at
		// once. Otherwise the latency moves a quarter of the way, which smooths
		// the noise of a few samples.
		se := math.Sqrt(max(0, e.probeSq/n-m*m) / n)
		side := 0
		if d := m - e.base; math.Abs(d) > 3*se+0.1*e.base {
			side = int(math.Copysign(1, d))
		}
		if side != 0 && side == e.changed {
			e.base = (m + e.changedMean) / 2
			side = 0
		} else {
			e.base += probeBaseGain * (m - e.base)
		}
		e.changed, e.changedMean = side, m
	}
	period := math.Min(probeMaxPeriod, math.Max(probeMinPeriod, probeEvery*e.base))
	if e.changed != 0 {
		period = math.Max(probeMinPeriod, period/8)
	}
	e.nextProbe = now + int64(period)
	e.resetWindow(now)
}
