package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// hedgedhttp runs its calls on a pool of goroutines that each wait 10 s for
// more work before they end; they are its design, not a leak of the tests.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/cristalhq/hedgedhttp.runInPool.func1"))
}

func TestQuantile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		d := make([]time.Duration, len(v))
		for i, x := range v {
			d[i] = time.Duration(x) * time.Millisecond
		}
		return d
	}
	ten := ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	for _, tc := range []struct {
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{nil, 0.5, 0},
		{ms(7), 0.999, 7 * time.Millisecond},
		{ten, 0.5, 5 * time.Millisecond},
		{ten, 0.9, 9 * time.Millisecond},
		{ten, 0.91, 10 * time.Millisecond},
		{ten, 0.99, 10 * time.Millisecond},
		{ten, 0, 1 * time.Millisecond},
	} {
		if got := quantile(tc.sorted, tc.q); got != tc.want {
			t.Errorf("quantile(%d values, %v) = %v, want %v", len(tc.sorted), tc.q, got, tc.want)
		}
	}
}

// TestModel checks the replica's latencies: the first copies' mean and
// standard deviation among the fast ones, and the fraction of slow ones.
func TestModel(t *testing.T) {
	m := defaultModel(1)
	const n = 200000
	var sum, sum2 float64
	fast, slow := 0, 0
	for id := range uint64(n) {
		d := m.latency(id, 0)
		if d != m.latency(id, 0) {
			t.Fatalf("latency(%d, 0) differs between calls", id)
		}
		// A slow draw is at least 10x a fast one, and fast ones above 20 ms
		// are about 1 in 10^9: split there.
		if d > 20*time.Millisecond {
			slow++
			continue
		}
		fast++
		x := float64(d) / float64(time.Millisecond)
		sum, sum2 = sum+x, sum2+x*x
	}
	mean := sum / float64(fast)
	sd := math.Sqrt(sum2/float64(fast) - mean*mean)
	if math.Abs(mean-5) > 0.05 || math.Abs(sd-2) > 0.05 {
		t.Errorf("fast latencies: mean %.3f ms, sd %.3f ms; want 5 and 2", mean, sd)
	}
	if f := float64(slow) / n; math.Abs(f-0.05) > 0.003 {
		t.Errorf("slow fraction %.4f, want 0.05", f)
	}
}

// TestModelDraws checks that each copy of a request draws a latency of its
// own, that the seed changes them, and that AllSlow makes every one 10x.
func TestModelDraws(t *testing.T) {
	m := defaultModel(1)
	same := 0
	for id := range uint64(1000) {
		if m.latency(id, 0) == m.latency(id, 1) {
			same++
		}
	}
	other := defaultModel(2)
	if same > 0 || other.latency(0, 0) == m.latency(0, 0) {
		t.Errorf("a second copy or another seed draws the same latency (%d of 1000 ids)", same)
	}
	all, none := m, m
	all.AllSlow, none.Slow = true, 0
	for id := range uint64(1000) {
		if d, f := all.latency(id, 0), none.latency(id, 0); d < 10*f-10 || d > 10*f+10 {
			t.Fatalf("every request slow: latency(%d) = %v, want 10x %v", id, d, f)
		}
	}
}

// TestReplicaStopsOnCancel checks that a cancelled request ends its handler
// at once: with a latency of an hour, the replica's Close returns only if
// the handler saw the cancellation.
func TestReplicaStopsOnCancel(t *testing.T) {
	srv := newReplica(model{Mean: time.Hour, SD: time.Minute}, 1)
	base := newBase()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- get(ctx, &http.Client{Transport: base}, srv.URL+"/?id=0") }()
	for srv.started.Load() == 0 {
		time.Sleep(time.Millisecond) // a real server: wait until it has the request
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("get = %v, want context.Canceled", err)
	}
	srv.Close()
	base.CloseIdleConnections()
	if s, c := srv.started.Load(), srv.cancelled.Load(); s != 1 || c != 1 {
		t.Errorf("started %d, cancelled %d; want 1 and 1", s, c)
	}
}

// TestRunSmall runs the peers' rows and this library's two main rows on a
// few hundred requests: every answer arrives whole, and the replica counts
// one copy a request without hedging.
func TestRunSmall(t *testing.T) {
	const n = 200
	m := defaultModel(1)
	rows := append(peerRows(m, n), ourRows(m, n, n, n)[:2]...)
	results := make([]*result, 0, len(rows))
	for _, r := range rows {
		res := run(context.Background(), r, 20)
		if res.errs != 0 || len(res.lat) != n {
			t.Errorf("%s: %d errors (first: %v), %d latencies; want 0 and %d", r.name, res.errs, res.firstErr, len(res.lat), n)
		}
		if res.started < n || (r.kind == "none" && res.started != n) {
			t.Errorf("%s: the replica started %d requests for %d", r.name, res.started, n)
		}
		if !(res.p50 <= res.p90 && res.p90 <= res.p99 && res.p99 <= res.p999 && res.p50 > 0) {
			t.Errorf("%s: quantiles out of order: %v %v %v %v", r.name, res.p50, res.p90, res.p99, res.p999)
		}
		results = append(results, res)
	}
	var b bytes.Buffer
	writeTable(&b, results)
	if lines := strings.Count(b.String(), "\n"); lines != 2+len(results) {
		t.Errorf("table has %d lines, want %d:\n%s", lines, 2+len(results), b.String())
	}
	checkSVG(t, plot(results))
}

func checkSVG(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("plot is not well-formed XML: %v\n%s", err, svg)
		}
	}
}

// fake returns a result with the given p99, p99.9 and extra requests.
func fake(name, kind string, delay time.Duration, p99, p999 float64, extra float64) *result {
	const made = 10000
	return &result{
		row: &row{name: name, kind: kind, delay: delay},
		p99: time.Duration(p99 * float64(time.Millisecond)), p999: time.Duration(p999 * float64(time.Millisecond)),
		made: made, started: made + int64(math.Round(extra*made)),
	}
}

func TestSummary(t *testing.T) {
	results := []*result{
		fake("no hedging", "none", 0, 65, 90, 0),
		fake("static", "peer", 0, 17.5, 40, 0.077),
		fake("quantile", "peer", 0, 25, 30, 0.04), // the best p99.9
		fake(defName, "ours", 0, 20.4, 35, 0.051),
		fake(max2Name, "ours", 0, 20, 18, 0.042),
		fake("d10", "sweep", 10*time.Millisecond, 17, 30, 0.072),
		fake("d12", "sweep", 12*time.Millisecond, 19, 30, 0.053), // <= 1.05x 5.1%: the frontier's best
		fake("d14", "sweep", 14*time.Millisecond, 20, 30, 0.051),
		fake("d16", "sweep", 16*time.Millisecond, 22, 30, 0.050),
		fake("slow", "slow", 0, 60, 70, 0.0734),
	}
	got := summarize(results, defName, max2Name, 1.234).String()
	want := "hedge: p99=20.4ms extra=5.1% frontier=1.07 dominated=0 p999vsbest=0.60 extravsbest=1.05 slowextra=0.07 nohedgecost=1.2"
	if got != want {
		t.Errorf("summary\n%s\nwant\n%s", got, want)
	}
	form := regexp.MustCompile(`^hedge: p99=\d+\.\dms extra=\d+\.\d% frontier=\d+\.\d\d dominated=\d+ p999vsbest=\d+\.\d\d extravsbest=\d+\.\d\d slowextra=\d+\.\d\d nohedgecost=\d+\.\d$`)
	if !form.MatchString(got) {
		t.Errorf("summary %q is not of the required form", got)
	}

	// A peer better on both counts dominates.
	results[1] = fake("static", "peer", 0, 17.5, 40, 0.05)
	if s := summarize(results, defName, max2Name, 1); s.dominated != 1 {
		t.Errorf("dominated = %d, want 1", s.dominated)
	}
	// Without this library's rows, their numbers are NaN.
	s := summarize(results[:3], defName, max2Name, math.NaN()).String()
	if want := "hedge: p99=0.0ms extra=0.0% frontier=NaN dominated=0 p999vsbest=NaN extravsbest=NaN slowextra=NaN nohedgecost=NaN"; s != want {
		t.Errorf("summary without our rows\n%s\nwant\n%s", s, want)
	}
	checkSVG(t, plot(results))
}

func TestAxis(t *testing.T) {
	for _, tc := range []struct{ v, bound, step float64 }{
		{63, 80, 20}, {8.9, 10, 2}, {0.5, 0.5, 0.1}, {30, 30, 5}, {0, 1, 0.2},
	} {
		b, s := axis(tc.v)
		if math.Abs(b-tc.bound) > 1e-9 || math.Abs(s-tc.step) > 1e-9 {
			t.Errorf("axis(%v) = %v, %v; want %v, %v", tc.v, b, s, tc.bound, tc.step)
		}
	}
}

// TestBench runs the whole program on a few hundred requests (the race
// detector makes each one slow): every row is
// in the table, the plot is written, and the summary is the last line, with
// every number measured.
func TestBench(t *testing.T) {
	if err := flag.Set("test.benchtime", "5ms"); err != nil {
		t.Fatal(err)
	}
	svg := filepath.Join(t.TempDir(), "hedge.svg")
	c := config{n: 100, sweepN: 40, slowN: 40, conc: 20, rounds: 2, seed: 1, svg: svg, costRounds: 1}
	var b bytes.Buffer
	if err := bench(context.Background(), &b, c); err != nil {
		t.Fatal(err)
	}
	out := strings.Split(strings.TrimSpace(b.String()), "\n")
	for _, r := range allRows(c) {
		if !strings.Contains(b.String(), "| "+r.name+" |") && !strings.Contains(b.String(), "| **"+r.name+"** |") {
			t.Errorf("no table row for %q", r.name)
		}
	}
	last := out[len(out)-1]
	form := regexp.MustCompile(`^hedge: p99=\d+\.\dms extra=\d+\.\d% frontier=(\d+\.\d\d|NaN) dominated=\d p999vsbest=\d+\.\d\d extravsbest=\d+\.\d\d slowextra=\d+\.\d\d nohedgecost=\d+\.\d$`)
	if !form.MatchString(last) {
		t.Errorf("last line %q is not the summary", last)
	}
	data, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, data)
}
