package cancel

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// A Hedger is the policy and the state that [Hedge] shares between calls: how
// long a call waits before each hedge, how many hedges a call may send, the
// budget that bounds hedges over many calls, the window of recent latencies
// the delay is learnt from, and the counters [Hedger.Stats] reports.
//
// The zero value is ready to use: it learns its delay (the Quantile 0.95 of
// recent latencies, or the left edge of a plateau just before it), sends at
// most one hedge per call, and at most 0.1 hedges per call over many calls.
// The fields are read at the first call of Hedge and must not change after.
//
// A Hedger is safe for concurrent use by multiple goroutines. It must not be
// copied after first use.
//
// # Budget
//
// The budget starts full, at max(1, 100*Budget) credits. Each call of Hedge
// earns Budget credits, up to that cap, and each hedge spends one; a hedge
// the budget cannot pay for is not sent, and the call sends no further
// hedge. So over any N calls at most Budget*N + max(1, 100*Budget) hedges are
// started, also when every call is slow (a dependency that is down or
// overloaded gets little more than its usual load). Credits are kept in
// fixed point, rounded down, so the bound holds exactly.
//
// # The learnt delay
//
// With Delay 0, each call whose first call of f succeeds records how long it
// took; a first call cancelled because a hedge won records its age at that
// moment, a lower bound of its latency (censored, not dropped: dropping the
// slow ones would lower the estimate and feed more hedging); a first call
// that failed records nothing. The delay is the smallest d such that the
// fraction of recorded latencies above d is at most 1.05 * (1 - Quantile),
// plus one standard error of that count: the Quantile itself, or an earlier
// delay that hedges at most about 1.05 times as many calls. Where the
// distribution has a plateau (a slow mode well apart from the fast one),
// that is the plateau's left edge, which cuts the tail as much as any delay
// on the plateau, sooner. The allowance of one standard error (about 7% of
// the count over a full window; two where that moves the delay earlier by a
// fifth or more, across a gap) is there because the share of calls on a
// plateau varies from window to window by more than 5%: without it the
// delay jumps between the two ends of the plateau, and the tail is that of
// its far end. On the published hedging workload (lognormal latencies of
// mean 5ms, 5% of calls ten times slower) the delay settles near 12ms, the
// plateau's left edge, for about 5.6% extra calls and a p99 near 19ms,
// where a 95% quantile (about 19ms) would give about 25ms. Until 20
// latencies are known no hedge is sent and Stats reports a Delay of 0.
//
// The latencies are kept in a sliding window of the last 4096, counted in a
// histogram of logarithmic buckets 1/32 of an octave wide (about 2%), about
// 13 KB per Hedger. Recording a latency is O(1) and allocates nothing; the
// delay is recomputed every 16 latencies (every 64 once the window holds
// 1024) by a scan of the histogram, so no call sorts or holds a lock for
// long. A window, unlike a decaying sketch, forgets a past regime entirely;
// a long one is precise but slow to follow a change, so the last 256
// latencies are compared with it each time the delay is recomputed: when
// their median moves by more than four standard errors (and 20%), or their
// share above the delay by more than four, the window restarts from them,
// and once more 256 latencies later, when it holds only latencies that
// came after the change. A lasting change is so followed within about 400
// calls.
//
// # Compared with failsafe-go's hedge policy
//
// failsafe-go learns its delay with a moving quantile that steps towards
// each sample, from successful executions only, and bounds hedges by a
// share of the executions in flight. Hedger keeps the idea of a learnt
// quantile and a budget, and changes three things: a window of exact counts
// instead of a stochastic estimate, whose steps make the delay wander along
// a plateau; censored samples instead of dropped ones, so that hedging does
// not lower its own delay; and a budget over calls, like a token bucket,
// which bounds the extra load over time also when every call is slow,
// where a share of calls in flight grows with them.
type Hedger struct {
	Delay    time.Duration // wait before each hedge; 0: learnt from recent latencies
	Quantile float64       // fraction of calls not hedged, in [0, 1); 0 means 0.95
	Max      int           // hedges per call, beyond the first call; 0 means 1
	Budget   float64       // hedges per call, on average over recent calls; 0 means 0.1

	_ noCopy

	ready atomic.Bool
	mu    sync.Mutex // guards the fields below it until ready, then the window
	max   int
	earn  int64 // budget credits per call, in 1/creditUnit
	cap   int64 // budget cap, in 1/creditUnit
	win   *latencyWindow
	races sync.Pool // of *hedgeRace[T], for the T of the calls

	credits             atomic.Int64 // budget, in 1/creditUnit
	delay               atomic.Int64 // the delay now, in nanoseconds; 0 while learning
	calls, hedges, wins atomic.Uint64
}

// HedgeStats are the counters of a [Hedger], for monitoring.
type HedgeStats struct {
	Calls  uint64        // calls of Hedge that called f
	Hedges uint64        // extra calls of f started (hedges)
	Won    uint64        // calls of Hedge whose result came from a hedge
	Delay  time.Duration // the delay a call waits now before hedging; 0 while learning
}

// creditUnit is the fixed-point scale of the budget: one credit.
const creditUnit = 1 << 20

// Stats returns the counters of h. Each counter is exact once the calls it
// counts have returned; while calls run, the fields are read one at a time,
// not as one snapshot. With a fixed Delay, Stats.Delay is that Delay.
func (h *Hedger) Stats() HedgeStats {
	if h == nil {
		panic("cancel: nil Hedger")
	}
	h.init()
	return HedgeStats{
		Calls:  h.calls.Load(),
		Hedges: h.hedges.Load(),
		Won:    h.wins.Load(),
		Delay:  time.Duration(h.delay.Load()),
	}
}

// init reads and checks the fields at the first use of h. A Hedger with a
// bad field panics on every use, not only on the first.
func (h *Hedger) init() {
	if h.ready.Load() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ready.Load() {
		return
	}
	switch {
	case h.Delay < 0:
		panic("cancel: Hedger.Delay < 0")
	case h.Max < 0:
		panic("cancel: Hedger.Max < 0")
	case h.Budget < 0 || math.IsNaN(h.Budget):
		panic("cancel: Hedger.Budget < 0")
	case h.Quantile < 0 || h.Quantile >= 1 || math.IsNaN(h.Quantile):
		panic("cancel: Hedger.Quantile not in [0, 1)")
	}
	h.max = max(h.Max, 1)
	budget := h.Budget
	if budget == 0 {
		budget = 0.1
	}
	h.earn = int64(min(budget, 1<<30) * creditUnit)
	h.cap = int64(max(1, min(100*budget, 1<<30)) * creditUnit)
	h.credits.Store(h.cap)
	if h.Delay > 0 {
		h.delay.Store(int64(h.Delay))
	} else {
		q := h.Quantile
		if q == 0 {
			q = 0.95
		}
		h.win = newLatencyWindow(1 - q)
	}
	h.ready.Store(true)
}

// begin counts a call, earns its budget credits and returns the delay before
// its first hedge, 0 for none.
func (h *Hedger) begin() time.Duration {
	h.calls.Add(1)
	for {
		c := h.credits.Load()
		if c >= h.cap || h.credits.CompareAndSwap(c, min(c+h.earn, h.cap)) {
			break
		}
	}
	return time.Duration(h.delay.Load())
}

// spend takes one credit for a hedge and reports whether there was one.
func (h *Hedger) spend() bool {
	for {
		c := h.credits.Load()
		if c < creditUnit {
			return false
		}
		if h.credits.CompareAndSwap(c, c-creditUnit) {
			h.hedges.Add(1)
			return true
		}
	}
}

// record adds the latency of a first call to the window of a Hedger that
// learns its delay, and publishes a new delay when one was recomputed.
func (h *Hedger) record(d time.Duration) {
	h.mu.Lock()
	next, ok := h.win.add(d)
	h.mu.Unlock()
	if ok {
		h.delay.Store(int64(next))
	}
}

// noCopy makes go vet's copylocks check report a Hedger copied after first
// use; see https://golang.org/issues/8005.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
