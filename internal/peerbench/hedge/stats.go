package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// quantile returns the q-quantile of sorted by the nearest-rank method: the
// smallest value at least a fraction q of the values are at or below.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func (r *result) setQuantiles() {
	slices.Sort(r.lat)
	r.p50 = quantile(r.lat, 0.50)
	r.p90 = quantile(r.lat, 0.90)
	r.p99 = quantile(r.lat, 0.99)
	r.p999 = quantile(r.lat, 0.999)
}

// summary is the last line's numbers; NaN where a row it needs is missing.
type summary struct {
	p99         time.Duration // the default Hedger's
	extra       float64       // the default Hedger's, a fraction
	frontier    float64
	dominated   int
	p999vsbest  float64
	extravsbest float64
	slowextra   float64
	nohedgecost float64
}

// summarize computes the summary from the rows' results: the default
// Hedger's row is the "ours" row named def, the Max 2 row the one named
// max2; peers are the "peer" rows, and the frontier the "sweep" rows.
func summarize(results []*result, def, max2 string, nohedgecost float64) summary {
	nan := math.NaN()
	s := summary{frontier: nan, p999vsbest: nan, extravsbest: nan, slowextra: nan, nohedgecost: nohedgecost}
	var d, m, best *result
	for _, r := range results {
		switch {
		case r.row.name == def:
			d = r
		case r.row.name == max2:
			m = r
		case r.row.kind == "slow":
			s.slowextra = r.extra()
		case r.row.kind == "peer" && (best == nil || r.p999 < best.p999):
			best = r
		}
	}
	if d != nil {
		s.p99, s.extra = d.p99, d.extra()
		var bestSweep time.Duration
		for _, r := range results {
			if r.row.kind == "sweep" && r.extra() <= 1.05*d.extra() && (bestSweep == 0 || r.p99 < bestSweep) {
				bestSweep = r.p99
			}
			if r.row.kind == "peer" && r.p99 < d.p99 && r.extra() < d.extra() {
				s.dominated++
			}
		}
		if bestSweep > 0 {
			s.frontier = float64(d.p99) / float64(bestSweep)
		}
	}
	if m != nil && best != nil {
		s.p999vsbest = float64(m.p999) / float64(best.p999)
		s.extravsbest = m.extra() / best.extra()
	}
	return s
}

func (s summary) String() string {
	return fmt.Sprintf("hedge: p99=%.1fms extra=%.1f%% frontier=%.2f dominated=%d p999vsbest=%.2f extravsbest=%.2f slowextra=%.2f nohedgecost=%.1f",
		ms(s.p99), 100*s.extra, s.frontier, s.dominated, s.p999vsbest, s.extravsbest, s.slowextra, s.nohedgecost)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// writeTable writes the results as a Markdown table.
func writeTable(w io.Writer, results []*result) {
	fmt.Fprintln(w, "| row | requests | p50 | p90 | p99 | p99.9 | extra requests | errors | wall time | notes |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, r := range results {
		name := r.row.name
		if r.row.kind == "ours" || r.row.kind == "sweep" || r.row.kind == "slow" {
			name = "**" + name + "**"
		}
		note := fmt.Sprintf("%d cancelled, %d connections; %s", r.cancelled, r.conns, r.note)
		if r.firstErr != nil {
			note = strings.TrimSpace(note + "; first error: " + r.firstErr.Error())
		}
		fmt.Fprintf(w, "| %s | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f%% | %d | %.1f s | %s |\n",
			name, r.made, ms(r.p50), ms(r.p90), ms(r.p99), ms(r.p999), 100*r.extra(), r.errs, r.wall.Seconds(),
			strings.TrimSuffix(note, "; "))
	}
}
