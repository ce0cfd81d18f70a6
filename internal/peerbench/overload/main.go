// Command overload measures adaptive concurrency limits under overload:
// this library's limit.Adaptive against no limit, an oracle that knows the
// dependency's capacity, and the adaptive limiters of failsafe-go and
// go-concurrency-limits, each row in front of its own simulated dependency
// and all of them on one seeded trace of arrivals, side by side in real
// time.
//
// The dependency has C slots behind a FIFO queue and lognormal service
// times (median 20 ms, sigma 0.5); a call has 200 ms from its arrival, and
// when they pass it leaves the queue or its service at once and fails.
// Arrivals are open-loop Poisson at 0.5x, 1x, 2x and 4x the capacity, one
// step each; then 2x with C halved for a step and restored for a step; then
// six steps at 2x. Every caller takes a permit without waiting (TryAcquire
// or the like): a refused call is shed, not failed.
//
// It prints a Markdown table per phase, writes a plot of the limits and the
// goodput over time (-svg), and ends with one summary line of the Adaptive
// row's figures.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.slots, "c", 16, "the dependency's slots (C)")
	flag.DurationVar(&cfg.step, "step", 10*time.Second, "the length of a phase (the last one is six)")
	flag.Uint64Var(&cfg.seed, "seed", 1, "the seed of the arrival trace")
	flag.StringVar(&cfg.svg, "svg", "overload.svg", "where to write the plot (empty: nowhere)")
	flag.Parse()
	if err := cfg.run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "overload:", err)
		os.Exit(1)
	}
}

// config is what the flags set.
type config struct {
	slots int
	step  time.Duration
	seed  uint64
	svg   string
}

// run runs the benchmark and writes its report to w.
func (c config) run(w io.Writer) error {
	if c.slots < 2 || c.step < 100*time.Millisecond {
		return fmt.Errorf("need -c >= 2 and -step >= 100ms")
	}
	ps := phases(c.slots, c.step)
	tr := makeTrace(ps, c.slots, c.seed)
	fmt.Fprintf(w, "overload: C = %d, capacity %.0f calls/s, service lognormal (median %v, sigma %.1f, mean %.1f ms), deadline %v\n",
		c.slots, capacity(c.slots), serviceMedian, serviceSigma, float64(meanService)/1e6, deadline)
	fmt.Fprintf(w, "overload: %d arrivals (seed %d), %d rows side by side, %v\n",
		len(tr), c.seed, len(rowSpecs), ps[len(ps)-1].start+ps[len(ps)-1].duration)
	rows := run(ps, tr, c.slots, rowSpecs)
	byName := func(name string) *row {
		for _, r := range rows {
			if r.name == name {
				return r
			}
		}
		panic("overload: no row " + name)
	}
	var peers []*row
	for _, r := range rows {
		if r.peer {
			peers = append(peers, r)
		}
	}
	oracle := byName(oracleRow)
	printTables(w, ps, rows, oracle)
	if c.svg != "" {
		if err := writeSVG(c.svg, ps, c.slots, rows); err != nil {
			return err
		}
		fmt.Fprintf(w, "\noverload: plot written to %s\n", c.svg)
	}
	s := summarize(ps, c.slots, byName(adaptiveRow), oracle, byName(noLimitRow), peers)
	fmt.Fprintln(w)
	for _, g := range s.goals() {
		fmt.Fprintln(w, "overload:", g)
	}
	fmt.Fprintln(w, s)
	return nil
}
