package peerbench

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	table    = flag.Bool("table", false, "TestTable: measure every workload and print the table")
	rounds   = flag.Int("rounds", 5, "TestTable: rounds of every implementation of a workload")
	onlyWork = flag.String("workloads", "", "TestTable: a regexp that selects workloads by key")
	tableOut = flag.String("out", "", "TestTable: also write the table to this file")
)

// TestTable measures every workload's implementations in turn, round after
// round, each time with testing.Benchmark (so -benchtime applies), and
// prints one Markdown table of the medians with each implementation's ratio
// to the fastest peer. Interleaving keeps a machine whose speed drifts from
// favouring whichever implementation ran in a quiet minute. It runs only
// with -table:
//
//	go test -run '^TestTable$' -table -rounds 5 -benchtime 500ms
func TestTable(t *testing.T) {
	if !*table {
		t.Skip("measures only with -table")
	}
	sel, err := regexp.Compile(*onlyWork)
	if err != nil {
		t.Fatalf("-workloads: %v", err)
	}
	start := time.Now()
	var rows []row
	for _, w := range workloads() {
		if !sel.MatchString(w.key) {
			continue
		}
		fmt.Fprintf(os.Stderr, "peerbench: %s: %d implementations x %d rounds\n", w.key, len(w.impls), *rounds)
		rows = append(rows, summarize(w, measure(w, *rounds))...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Medians of %d rounds, implementations interleaved within each round; %s, %s/%s, GOMAXPROCS=%d, %s, took %s.\n\n",
		*rounds, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0),
		start.UTC().Format("2006-01-02"), time.Since(start).Round(time.Second))
	writeTable(&b, rows)
	fmt.Print(b.String())
	if *tableOut != "" {
		if err := os.WriteFile(*tableOut, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A sample is one measurement of an implementation, per unit of work.
type sample struct{ ns, allocs float64 }

// measure runs each implementation of w once per round, starting each round
// with the next implementation, and returns the samples by implementation.
func measure(w *workload, rounds int) [][]sample {
	samples := make([][]sample, len(w.impls))
	for r := range rounds {
		for j := range w.impls {
			i := (r + j) % len(w.impls)
			res := testing.Benchmark(benchFunc(w, w.impls[i]))
			if res.N == 0 {
				panic("peerbench: " + w.key + "/" + w.impls[i].name + " failed")
			}
			per := float64(res.N) * float64(w.items)
			samples[i] = append(samples[i], sample{
				ns:     float64(res.T.Nanoseconds()) / per,
				allocs: float64(res.MemAllocs) / per,
			})
		}
	}
	return samples
}

// A row is one implementation's line in the table.
type row struct {
	workload string // empty after the first row of a workload
	impl     string
	ours     bool
	unit     string
	ns       float64 // median per unit
	lo, hi   float64 // fastest and slowest round
	allocs   float64 // median per unit
	ratio    float64 // ns over the fastest peer's
	achieved float64 // for Wait loops: the rate achieved over the target; else 0
}

// summarize turns the samples of w's implementations into rows, in the
// order of w.impls.
func summarize(w *workload, samples [][]sample) []row {
	rows := make([]row, len(w.impls))
	best := math.Inf(1)
	for i, im := range w.impls {
		ns := median(samples[i], func(s sample) float64 { return s.ns })
		rows[i] = row{impl: im.name, ours: im.ours, unit: w.unit, ns: ns,
			lo:     slices.MinFunc(samples[i], cmpNs).ns,
			hi:     slices.MaxFunc(samples[i], cmpNs).ns,
			allocs: median(samples[i], func(s sample) float64 { return s.allocs }),
		}
		if w.rate > 0 {
			rows[i].achieved = 1e9 / w.rate / ns
		}
		if !im.ours {
			best = min(best, ns)
		}
	}
	for i := range rows {
		rows[i].ratio = rows[i].ns / best
	}
	rows[0].workload = w.name
	return rows
}

func cmpNs(a, b sample) int {
	switch {
	case a.ns < b.ns:
		return -1
	case a.ns > b.ns:
		return 1
	}
	return 0
}

// median returns the median of f over ss, the mean of the middle two for an
// even count.
func median(ss []sample, f func(sample) float64) float64 {
	vs := make([]float64, len(ss))
	for i, s := range ss {
		vs[i] = f(s)
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2]
	}
	return (vs[n/2-1] + vs[n/2]) / 2
}

// writeTable writes rows as a Markdown table; this library's rows are bold.
func writeTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| workload | implementation | median | fastest – slowest round | allocs | vs best peer |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	for _, r := range rows {
		name := r.impl
		if r.ours {
			name = "**" + name + "**"
		}
		med := formatNs(r.ns) + "/" + r.unit
		if r.achieved > 0 {
			med += fmt.Sprintf(" (rate %.3f of target)", r.achieved)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s – %s | %s | %s |\n", r.workload, name, med,
			formatNs(r.lo), formatNs(r.hi), formatAllocs(r.allocs), formatRatio(r.ratio))
	}
}

// formatNs formats a duration in nanoseconds to three significant digits.
func formatNs(ns float64) string {
	// The bounds sit where three digits round up to the next unit.
	switch {
	case ns < 999.5:
		return fmt.Sprintf("%.3g ns", ns)
	case ns < 999.5e3:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	case ns < 999.5e6:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	}
	return fmt.Sprintf("%.3g s", ns/1e9)
}

// formatAllocs formats allocations per unit: 0 below one in a hundred units.
func formatAllocs(a float64) string {
	if a < 0.01 {
		return "0"
	}
	return fmt.Sprintf("%.2f", a)
}

func formatRatio(x float64) string {
	if x < 0.1 {
		return fmt.Sprintf("%.3fx", x)
	}
	return fmt.Sprintf("%.2fx", x)
}
