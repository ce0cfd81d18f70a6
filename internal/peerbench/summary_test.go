package peerbench

import (
	"math"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	w := &workload{name: "w", unit: "task", rate: 1e6, impls: []impl{
		{name: "ours", ours: true}, {name: "fast peer"}, {name: "slow peer"},
	}}
	samples := [][]sample{
		{{ns: 500, allocs: 0}, {ns: 800, allocs: 0}, {ns: 900, allocs: 0}, {ns: 600, allocs: 0}},
		{{ns: 1000, allocs: 1}, {ns: 900, allocs: 1}, {ns: 1100, allocs: 3}},
		{{ns: 2000, allocs: 2}},
	}
	rows := summarize(w, samples)
	want := []row{
		{workload: "w", impl: "ours", ours: true, unit: "task", ns: 700, lo: 500, hi: 900, allocs: 0, ratio: 0.7, achieved: 1000.0 / 700},
		{impl: "fast peer", unit: "task", ns: 1000, lo: 900, hi: 1100, allocs: 1, ratio: 1, achieved: 1},
		{impl: "slow peer", unit: "task", ns: 2000, lo: 2000, hi: 2000, allocs: 2, ratio: 2, achieved: 0.5},
	}
	if len(rows) != len(want) {
		t.Fatalf("summarize gave %d rows, want %d", len(rows), len(want))
	}
	for i := range rows {
		g, w := rows[i], want[i]
		if g.workload != w.workload || g.impl != w.impl || g.ours != w.ours || g.unit != w.unit ||
			!near(g.ns, w.ns) || !near(g.lo, w.lo) || !near(g.hi, w.hi) || !near(g.allocs, w.allocs) ||
			!near(g.ratio, w.ratio) || !near(g.achieved, w.achieved) {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestSummarizeNoRate checks that only Wait loops get an achieved rate.
func TestSummarizeNoRate(t *testing.T) {
	w := &workload{name: "w", unit: "call", impls: []impl{{name: "a", ours: true}, {name: "b"}}}
	for _, r := range summarize(w, [][]sample{{{ns: 1}}, {{ns: 2}}}) {
		if r.achieved != 0 {
			t.Errorf("%s: achieved = %v, want 0", r.impl, r.achieved)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	writeTable(&b, []row{
		{workload: "Wait loop", impl: "ours", ours: true, unit: "event", ns: 1.0005e6, lo: 1e6, hi: 1.2e6, ratio: 0.995, achieved: 0.9995},
		{impl: "peer", unit: "event", ns: 1.2e6, lo: 1.1e6, hi: 2e6, allocs: 2, ratio: 0.05},
	})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"| workload | implementation | median | fastest – slowest round | allocs | vs best peer |",
		"| --- | --- | --- | --- | --- | --- |",
		"| Wait loop | **ours** | 1 ms/event (rate 1.000 of target) | 1 ms – 1.2 ms | 0 | 0.99x |",
		"|  | peer | 1.2 ms/event | 1.1 ms – 2 ms | 2.00 | 0.050x |",
	}
	if len(lines) != len(want) {
		t.Fatalf("writeTable wrote %d lines, want %d:\n%s", len(lines), len(want), b.String())
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
}

func TestFormatNs(t *testing.T) {
	for _, tt := range []struct {
		ns   float64
		want string
	}{
		{3.14159, "3.14 ns"},
		{999.4, "999 ns"},
		{999.6, "1 µs"},
		{12_345, "12.3 µs"},
		{999_600, "1 ms"},
		{2.5e9, "2.5 s"},
	} {
		if got := formatNs(tt.ns); got != tt.want {
			t.Errorf("formatNs(%v) = %q, want %q", tt.ns, got, tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	ns := func(s sample) float64 { return s.ns }
	for _, tt := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		ss := make([]sample, len(tt.in))
		for i, v := range tt.in {
			ss[i].ns = v
		}
		if got := median(ss, ns); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
