package cancel

import (
	"math"
	"math/bits"
	"time"
)

// The window of latencies a Hedger learns its delay from; the Hedger doc
// says why it is a sliding window over a histogram.
const (
	windowSize   = 4096 // latencies kept
	recentSize   = 256  // latencies compared with the window to see a change
	windowMin    = 20   // latencies known before any hedge
	subBits      = 5    // log2 of the buckets per octave
	subBuckets   = 1 << subBits
	maxLatency   = 1<<41 - 1 // about 36 minutes
	bucketsCount = (41 - subBits + 1) * subBuckets
)

// A latencyWindow holds the last latencies, each as the index of its
// histogram bucket in a ring, the histogram of the window and that of the
// most recent latencies. It is not safe for concurrent use.
type latencyWindow struct {
	tail   float64 // 1 - Quantile
	ring   [windowSize]uint16
	count  [bucketsCount]uint16 // histogram of the last n latencies
	recent [bucketsCount]uint16 // histogram of the last min(total, recentSize)
	next   int                  // ring index of the next latency
	n      int                  // latencies in the window
	total  int                  // latencies ever added
	since  int                  // latencies added since the delay was computed
	settle int                  // latencies until the window restarts again after a change
	lo, hi int                  // no bucket outside [lo, hi] is counted
	d      int                  // bucket of the delay
}

func newLatencyWindow(tail float64) *latencyWindow {
	return &latencyWindow{tail: tail, lo: bucketsCount - 1}
}

// add records one latency and returns the delay and true when it computed
// the delay anew.
func (w *latencyWindow) add(d time.Duration) (time.Duration, bool) {
	b := bucket(d)
	if w.n == windowSize {
		w.count[w.ring[w.next]]--
	} else {
		w.n++
	}
	if w.total >= recentSize {
		w.recent[w.ring[(w.next+windowSize-recentSize)%windowSize]]--
	}
	w.ring[w.next] = b
	w.count[b]++
	w.recent[b]++
	w.lo, w.hi = min(w.lo, int(b)), max(w.hi, int(b))
	w.next = (w.next + 1) % windowSize
	w.total++
	w.since++
	every := 16
	if w.n >= 4*recentSize {
		every = 64 // the delay moves slowly; a scan costs a few hundred ns
	}
	if w.n < windowMin || (w.since < every && w.n > windowMin) {
		return 0, false
	}
	w.since = 0
	if w.settle > 0 {
		w.settle -= min(w.settle, every)
		if w.settle == 0 {
			w.restart()
		}
	} else if w.n > recentSize && w.total >= recentSize && w.changed() {
		// The change happened somewhere among the recent latencies: restart
		// from them now, and once more when all of them came after now.
		w.restart()
		w.settle = recentSize
	}
	w.d = w.edge()
	return upper(w.d), true
}

// restart makes the window hold only the recent latencies.
func (w *latencyWindow) restart() {
	w.count = w.recent
	w.n = recentSize
}

// edge returns the bucket of the delay: the smallest bucket b such that
// the latencies above b are at most 1.05 times the 1 - Quantile of the
// window plus one standard error of that count; or, where an allowance of
// two standard errors moves the delay earlier by a fifth or more (across a
// gap in the latencies), the smallest b within that allowance. The
// allowance keeps the delay at the left edge of a plateau although the
// count of latencies on it varies from window to window by more than 5%;
// elsewhere it moves the delay by a few percent.
func (w *latencyWindow) edge() int {
	m := w.tail * float64(w.n)
	strict := w.smallest(int(1.05*m + math.Sqrt(m)))
	loose := w.smallest(int(1.05*m + 2*math.Sqrt(m)))
	if 4*upper(strict) >= 5*upper(loose) {
		return loose
	}
	return strict
}

// smallest returns the smallest bucket b with at most allowed latencies of
// the window above it.
func (w *latencyWindow) smallest(allowed int) int {
	above := 0
	for b := w.hi; b >= w.lo; b-- {
		above += int(w.count[b])
		if above > allowed {
			return b
		}
	}
	return w.lo
}

// changed reports whether the recent latencies differ from the window by
// more than chance: their median moved, or the share above the delay did.
func (w *latencyWindow) changed() bool {
	// The spread of the log of the window's latencies (from its quartiles)
	// sizes the noise of the recent median: a shift of 4 standard errors,
	// and at least 20%, is a change.
	q1, med, q3 := w.quantile(&w.count, w.n, 0.25), w.quantile(&w.count, w.n, 0.5), w.quantile(&w.count, w.n, 0.75)
	sigma := float64(q3-q1) / subBuckets * math.Ln2 / 1.349
	limit := max(0.2, 4*1.2533*sigma/math.Sqrt(recentSize))
	shift := float64(w.quantile(&w.recent, recentSize, 0.5)-med) / subBuckets * math.Ln2
	if math.Abs(shift) > limit {
		return true
	}
	var inWindow, inRecent int
	for b := w.d + 1; b <= w.hi; b++ {
		inWindow += int(w.count[b])
		inRecent += int(w.recent[b])
	}
	p := float64(inWindow) / float64(w.n)
	want := p * recentSize
	return math.Abs(float64(inRecent)-want) > 4*math.Sqrt(want*(1-p))+1
}

// quantile returns the bucket of the q quantile of the n latencies of
// histogram h.
func (w *latencyWindow) quantile(h *[bucketsCount]uint16, n int, q float64) int {
	rank := int(q * float64(n)) // < n, so the loop ends within [lo, hi]
	seen := 0
	for b := w.lo; ; b++ {
		seen += int(h[b])
		if seen > rank {
			return b
		}
	}
}

// bucket returns the histogram bucket of d: values below subBuckets
// nanoseconds have a bucket each; above, each octave has subBuckets buckets
// of equal width.
func bucket(d time.Duration) uint16 {
	v := uint64(min(max(d, 1), maxLatency))
	if v < subBuckets {
		return uint16(v)
	}
	e := bits.Len64(v) - subBits - 1
	return uint16((e+1)*subBuckets + int(v>>e) - subBuckets)
}

// upper returns the largest value of bucket b.
func upper(b int) time.Duration {
	if b < subBuckets {
		return time.Duration(max(b, 1))
	}
	e := b/subBuckets - 1
	m := uint64(b%subBuckets + subBuckets)
	return time.Duration((m+1)<<e - 1)
}
