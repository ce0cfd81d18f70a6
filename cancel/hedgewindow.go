package cancel

import (
	"math/bits"
	"time"
)

// The window of latencies a Hedger learns its delay from; the Hedger doc
// says why it is a sliding window over a histogram.
const (
	windowSize   = 400 // latencies kept
	windowMin    = 20  // latencies known before any hedge
	windowEvery  = 16  // latencies between two computations of the delay
	subBuckets   = 32  // buckets per octave (power of two)
	subBits      = 5   // log2(subBuckets)
	maxLatency   = 1<<41 - 1
	bucketsCount = (41 - subBits + 1) * subBuckets
)

// A latencyWindow holds the last windowSize latencies, each as the index of
// its histogram bucket in a ring, and the histogram of those buckets. It is
// not safe for concurrent use.
type latencyWindow struct {
	frac  float64 // fraction of latencies the delay may leave above it
	ring  [windowSize]uint16
	count [bucketsCount]uint16
	next  int // ring index of the next latency
	n     int // latencies in the window
	since int // latencies added since the delay was computed
	top   int // no bucket above top is counted
}

func newLatencyWindow(frac float64) *latencyWindow {
	return &latencyWindow{frac: frac}
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
	w.ring[w.next] = b
	w.count[b]++
	w.top = max(w.top, int(b))
	w.next = (w.next + 1) % windowSize
	w.since++
	if w.n < windowMin || (w.since < windowEvery && w.n > windowMin) {
		return 0, false
	}
	w.since = 0
	return w.delay(), true
}

// delay returns the smallest bucket bound d such that at most frac of the
// latencies in the window are above d.
func (w *latencyWindow) delay() time.Duration {
	allowed := int(w.frac * float64(w.n))
	above := 0
	for b := w.top; b >= 0; b-- {
		c := int(w.count[b])
		if c == 0 && above == 0 {
			w.top = b - 1 // the buckets above the highest latency held are empty
			continue
		}
		if above+c > allowed {
			return upper(b)
		}
		above += c
	}
	return upper(0)
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
