// Command hedge measures hedged HTTP requests against a local replica with a
// slow tail: this library's httphedge.Transport against its peers, on the
// workload of bhope/hedge's published simulation (lognormal latencies with
// mean 5 ms and sd 2 ms, 5% of requests 10x slower, 20 callers, each waiting
// for its answer before it sends the next request).
//
// Every row runs against a replica of its own on 127.0.0.1, in real time,
// one row after another, in rounds (each round sends the next slice of every
// row's requests, so that a change of the machine's load falls on every row
// alike). The replica draws each request's latency from the
// seed, the request's id and how many copies of it came before, so every row
// sees the same latencies for the same requests; it stops a request at once
// when the request is cancelled, and counts the copies it started: the extra
// requests of a row are those counted beyond one per request made.
//
// It prints a Markdown table of the rows (latency quantiles as the callers
// saw them, the body read to its end, and the extra requests), writes a plot
// of p99 against extra requests as SVG, and ends with one summary line.
//
//	go run ./hedge [-n 50000] [-sweepn 20000] [-svg hedge.svg]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

type config struct {
	n, sweepN, slowN, conc int
	rounds                 int
	seed                   uint64
	svg                    string
	rows                   *regexp.Regexp
	benchtime              time.Duration
	costRounds             int
}

func main() {
	testing.Init() // testing.Benchmark measures the cost of a call that needs no hedge
	var c config
	var rows string
	flag.IntVar(&c.n, "n", 50000, "requests per row")
	flag.IntVar(&c.sweepN, "sweepn", 20000, "requests per row of the sweep of static delays")
	flag.IntVar(&c.slowN, "slown", 2000, "requests of the row where every request is slow")
	flag.IntVar(&c.conc, "conc", 20, "callers sending requests at once")
	flag.IntVar(&c.rounds, "rounds", 5, "rounds: each sends the next slice of every row's requests")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the replica's latencies")
	flag.StringVar(&c.svg, "svg", "hedge.svg", "file for the plot of p99 against extra requests (empty: none)")
	flag.StringVar(&rows, "rows", "", "run only the rows whose name matches this regular expression")
	flag.DurationVar(&c.benchtime, "benchtime", 200*time.Millisecond, "time of one measurement of a call's overhead")
	flag.IntVar(&c.costRounds, "costrounds", 7, "measurements of a call's overhead (the median counts)")
	flag.Parse()
	if rows != "" {
		c.rows = regexp.MustCompile(rows)
	}
	if err := flag.Set("test.benchtime", c.benchtime.String()); err != nil {
		panic(err)
	}
	if err := bench(context.Background(), os.Stdout, c); err != nil {
		fmt.Fprintln(os.Stderr, "hedge:", err)
		os.Exit(1)
	}
}

// allRows returns the benchmark's rows in the order they run.
func allRows(c config) []*row {
	m := defaultModel(c.seed)
	rows := append(peerRows(m, c.n), ourRows(m, c.n, c.sweepN, c.slowN)...)
	if c.rows == nil {
		return rows
	}
	var keep []*row
	for _, r := range rows {
		if c.rows.MatchString(r.name) {
			keep = append(keep, r)
		}
	}
	return keep
}

// bench runs the rows in rounds, each round sending the next slice of every
// row's requests, one row after another, so that a change of the machine's
// load falls on every row alike; the rows where every request is slow run
// last, whole. Then it writes the table, the plot and the summary line.
func bench(ctx context.Context, w io.Writer, c config) error {
	start := time.Now()
	fmt.Fprintf(w, "hedge: %d requests a row (%d a sweep row) in %d rounds, %d callers, seed %d, GOMAXPROCS %d, %s, load %s\n",
		c.n, c.sweepN, c.rounds, c.conc, c.seed, runtime.GOMAXPROCS(0), runtime.Version(), loadavg())
	var runners []*runner
	var last []*row
	for _, r := range allRows(c) {
		if r.kind == "slow" {
			last = append(last, r)
		} else {
			runners = append(runners, newRunner(r))
		}
	}
	for k := range c.rounds {
		t := time.Now()
		for _, r := range runners {
			r.chunk(ctx, k*r.rw.n/c.rounds, (k+1)*r.rw.n/c.rounds, c.conc)
		}
		fmt.Fprintf(w, "  round %d of %d: %.1fs, load %s\n", k+1, c.rounds, time.Since(t).Seconds(), loadavg())
	}
	var results []*result
	for _, r := range runners {
		results = append(results, r.finish())
	}
	for _, r := range last {
		results = append(results, run(ctx, r, c.conc))
	}
	cost := noHedgeCost(c.costRounds)
	fmt.Fprintln(w)
	writeTable(w, results)
	fmt.Fprintln(w)
	if c.svg != "" {
		if err := os.WriteFile(c.svg, plot(results), 0o666); err != nil {
			return err
		}
		fmt.Fprintf(w, "plot: %s\n", c.svg)
	}
	fmt.Fprintf(w, "overhead of a call that needs no hedge: %s\n", cost)
	fmt.Fprintf(w, "total time %.0fs, load %s\n", time.Since(start).Seconds(), loadavg())
	fmt.Fprintln(w, summarize(results, defName, max2Name, cost.ratio))
	return nil
}

// loadavg returns the machine's load averages over 1, 5 and 15 minutes, or
// "unknown".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
