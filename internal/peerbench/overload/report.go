package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// goodput is the calls of phase i done within their deadline, per second.
func (r *row) goodput(ps []phase, i int) float64 {
	return float64(r.phases[i].done) / ps[i].duration.Seconds()
}

// quantile is the q-quantile of the latencies of the calls granted in
// phase i (nearest rank), or 0 when none were.
func (r *row) quantile(i int, q float64) time.Duration {
	l := r.phases[i].latency
	if len(l) == 0 {
		return 0
	}
	if !slices.IsSorted(l) {
		slices.Sort(l)
	}
	k := int(q*float64(len(l))+0.5) - 1
	return l[min(max(k, 0), len(l)-1)]
}

// meanLimit is the row's mean sampled limit over [from, to), or -1 when it
// has none.
func (r *row) meanLimit(from, to time.Duration) float64 {
	lo, hi := int(from/tick), min(int(to/tick), len(r.limits))
	if lo >= hi || r.limits[lo] < 0 {
		return -1
	}
	sum := 0
	for _, l := range r.limits[lo:hi] {
		sum += l
	}
	return float64(sum) / float64(hi-lo)
}

// printTables writes one Markdown table per phase.
func printTables(w io.Writer, ps []phase, rows []*row, oracle *row) {
	for i, p := range ps {
		fmt.Fprintf(w, "\n%s: %.0f calls/s offered for %v, C = %d\n\n", p.name,
			float64(rows[0].phases[i].arrived)/p.duration.Seconds(), p.duration, p.slots)
		fmt.Fprintln(w, "| row | goodput/s | vs oracle | p50 | p99 | shed | failed | mean limit |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, r := range rows {
			s := r.phases[i]
			lim := "-"
			if m := r.meanLimit(p.start, p.start+p.duration); m >= 0 {
				lim = fmt.Sprintf("%.1f", m)
			}
			fmt.Fprintf(w, "| %s | %.0f | %.2f | %s | %s | %s | %s | %s |\n", r.name,
				r.goodput(ps, i), ratio(r.goodput(ps, i), oracle.goodput(ps, i)),
				ms(r.quantile(i, 0.5)), ms(r.quantile(i, 0.99)),
				percent(s.shed, s.arrived), percent(s.failed, s.arrived), lim)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

func percent(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// A summary is the Adaptive row's figures that the last line reports.
type summary struct {
	goodput2x, goodput4x       float64 // over the oracle's
	vsBestPeer2x, vsBestPeer4x float64 // over the best peer's
	p99x                       float64 // p99 at 4x over the no-limit row's at 0.5x
	settle                     time.Duration
	creep                      float64 // mean limit at the end of the long phase, over C
}

func (s summary) String() string {
	return fmt.Sprintf("overload: goodput2x=%.2f goodput4x=%.2f vsbestpeer2x=%.2f vsbestpeer4x=%.2f p99x=%.2f settle=%.1fs creep=%.1f",
		s.goodput2x, s.goodput4x, s.vsBestPeer2x, s.vsBestPeer4x, s.p99x, s.settle.Seconds(), s.creep)
}

// summarize computes the summary of row a (Adaptive) against the oracle,
// the no-limit row and the peers.
func summarize(ps []phase, slots int, a, oracle, none *row, peers []*row) summary {
	best := func(i int) float64 {
		b := 0.0
		for _, p := range peers {
			b = max(b, p.goodput(ps, i))
		}
		return b
	}
	long := ps[phaseLong]
	end := long.start + long.duration
	return summary{
		goodput2x:    ratio(a.goodput(ps, phase2x), oracle.goodput(ps, phase2x)),
		goodput4x:    ratio(a.goodput(ps, phase4x), oracle.goodput(ps, phase4x)),
		vsBestPeer2x: ratio(a.goodput(ps, phase2x), best(phase2x)),
		vsBestPeer4x: ratio(a.goodput(ps, phase4x), best(phase4x)),
		p99x:         ratio(float64(a.quantile(phase4x, 0.99)), float64(none.quantile(phaseUnloaded, 0.99))),
		settle:       settle(a.limits, ps[phaseHalved]),
		creep:        a.meanLimit(end-long.duration/12, end) / float64(slots),
	}
}

// medianWindow is the span of the limit's running median that settle reads.
const medianWindow = 500 * time.Millisecond

// settle returns the time from the start of phase p (the halving) until the
// running median of the limit is at or under 1.5·C+2, C being p's slots,
// and then stays at or under 1.5·C+4 until p ends; p's whole duration when
// it never does. The median's window reaches back before p's start.
func settle(limits []int, p phase) time.Duration {
	first, last := int(p.start/tick), min(int((p.start+p.duration)/tick), len(limits))
	w := int(medianWindow / tick)
	c := float64(p.slots)
	at := -1 // the first sample from which the median stays low
	for k := first; k < last; k++ {
		m := median(limits[max(k-w+1, 0) : k+1])
		switch {
		case m > 1.5*c+4:
			at = -1
		case at < 0 && m <= 1.5*c+2:
			at = k
		}
	}
	if at < 0 {
		return p.duration
	}
	return time.Duration(at-first+1) * tick
}

func median(xs []int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

// goals lists each goal of the summary with whether it was met.
func (s summary) goals() []string {
	check := func(ok bool, what string, got string) string {
		verdict := "met"
		if !ok {
			verdict = "MISSED"
		}
		return fmt.Sprintf("goal %-32s %-7s %s", what, verdict, got)
	}
	return []string{
		check(s.goodput2x >= 1 && s.goodput4x >= 1, "goodput >= 1.0x the oracle's", fmt.Sprintf("2x %.2f, 4x %.2f", s.goodput2x, s.goodput4x)),
		check(s.vsBestPeer2x >= 0.98 && s.vsBestPeer4x >= 0.98, "goodput >= 0.98x the best peer's", fmt.Sprintf("2x %.2f, 4x %.2f", s.vsBestPeer2x, s.vsBestPeer4x)),
		check(s.p99x <= 1.25, "p99 at 4x <= 1.25x unloaded", fmt.Sprintf("%.2f", s.p99x)),
		check(s.settle <= time.Second, "settle <= 1 s", fmt.Sprintf("%.2f s", s.settle.Seconds())),
		check(s.creep >= 1 && s.creep <= 1.5, "creep within [1.0, 1.5]", fmt.Sprintf("%.2f", s.creep)),
	}
}
