package limit

import (
	"testing"
	"time"
)

const ms = float64(time.Millisecond)

func newEstimator() *estimator {
	e := &estimator{min: 1, max: 1000}
	e.init(0)
	return e
}

// probe runs a whole probe at now whose calls all take rtt, and returns the
// time it ended.
func (e *estimator) probe(t *testing.T, now int64, rtt float64) int64 {
	t.Helper()
	e.startProbe(now)
	var tickets []*ticket
	for e.probeGiven < e.probeWant {
		tickets = append(tickets, &ticket{probe: e.probeCall()})
	}
	now += int64(rtt)
	for _, tk := range tickets {
		e.sample(now, tk, rtt, 0)
	}
	if e.probing {
		t.Fatal("the probe did not end when its calls did")
	}
	return now
}

// A probe whose calls are never released ends when another call's release
// finds it has lasted four latencies, and leaves the latency as it was.
func TestEstimatorProbeTimeout(t *testing.T) {
	e := newEstimator()
	e.base = 10 * ms
	e.startProbe(0)
	e.sample(int64(20*ms), &ticket{}, 5*ms, 0)
	if !e.probing {
		t.Fatal("the probe ended before four latencies")
	}
	e.sample(int64(50*ms), &ticket{}, 5*ms, 0)
	if e.probing || e.base != 10*ms {
		t.Fatalf("probing = %v, base = %v after four latencies: want the probe ended and base kept", e.probing, e.base)
	}
}

// A change of latency seen by one probe moves base a quarter of the way;
// seen by two in a row, it replaces base, and the second probe came sooner.
func TestEstimatorProbeChange(t *testing.T) {
	e := newEstimator()
	e.base = 10 * ms
	now := e.probe(t, 0, 30*ms)
	if want := 15 * ms; e.base != want {
		t.Fatalf("base = %v after one probe at 30ms, want %v", e.base/ms, want/ms)
	}
	if gap := float64(e.nextProbe - now); gap >= probeEvery*e.base {
		t.Errorf("next probe in %v ms, want sooner than the usual %v", gap/ms, probeEvery*e.base/ms)
	}
	e.probe(t, e.nextProbe, 30*ms)
	if e.base != 30*ms {
		t.Fatalf("base = %v ms after two probes at 30ms, want 30", e.base/ms)
	}
	// Within noise: smoothing only.
	e.probe(t, e.nextProbe, 31*ms)
	if want := 30.25 * ms; e.base != want {
		t.Errorf("base = %v ms after a probe at 31ms, want %v", e.base/ms, want/ms)
	}
}

func TestEstimatorUpdate(t *testing.T) {
	for _, tc := range []struct {
		name          string
		limit, mean   float64
		peak          int
		bound         bool
		wantLess      bool
		wantMore      bool
		wantUnchanged bool
	}{
		{"queue over the band shrinks", 40, 20 * ms, 40, true, true, false, false},
		{"no queue grows by an eighth", 40, 10 * ms, 40, true, false, true, false},
		{"a short queue grows by one", 40, 10.4 * ms, 40, true, false, true, false},
		{"in the band stays", 40, 11 * ms, 40, true, false, false, true},
		{"not held back stays", 40, 10 * ms, 12, false, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEstimator()
			e.base, e.limit = 10*ms, tc.limit
			e.winSum, e.winN, e.winPeak, e.winBound = tc.mean, 1, tc.peak, tc.bound
			e.update()
			switch {
			case tc.wantLess && e.limit >= tc.limit,
				tc.wantMore && e.limit <= tc.limit,
				tc.wantUnchanged && e.limit != tc.limit:
				t.Errorf("limit %v -> %v", tc.limit, e.limit)
			}
		})
	}
}
