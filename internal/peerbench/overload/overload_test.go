package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRun runs the whole benchmark at a tiny scale (phases of 150 ms) and
// checks the bookkeeping, the report and the plot, not the figures.
func TestRun(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "plot.svg")
	var out bytes.Buffer
	if err := (config{slots: 4, step: 150 * time.Millisecond, seed: 7, svg: svg}).run(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	re := regexp.MustCompile(`^overload: goodput2x=\d+\.\d\d goodput4x=\d+\.\d\d vsbestpeer2x=\d+\.\d\d vsbestpeer4x=\d+\.\d\d p99x=\d+\.\d\d settle=\d+\.\ds creep=\d+\.\d$`)
	if !re.MatchString(last) {
		t.Errorf("last line = %q, want the summary", last)
	}
	for _, p := range phases(4, 150*time.Millisecond) {
		if !strings.Contains(out.String(), "\n"+p.name+": ") {
			t.Errorf("no table for phase %q", p.name)
		}
	}
	for _, s := range rowSpecs {
		if !strings.Contains(out.String(), "| "+s.name+" | ") {
			t.Errorf("no line for row %q", s.name)
		}
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("<svg ")) || !bytes.HasSuffix(b, []byte("</svg>\n")) || !bytes.Contains(b, []byte(adaptiveRow)) {
		t.Errorf("plot is not a whole SVG naming the rows: %.200q", b)
	}
}

// TestRows checks the rows' bookkeeping on a short trace: every call is
// shed, done or failed, the no-limit row sheds nothing, and the oracle
// never grants more than C at once.
func TestRows(t *testing.T) {
	ps := phases(4, 120*time.Millisecond)
	tr := makeTrace(ps, 4, 3)
	rows := run(ps, tr, 4, rowSpecs)
	for _, r := range rows {
		total := 0
		for i, s := range r.phases {
			if s.arrived != s.shed+s.done+s.failed || len(s.latency) != s.done+s.failed {
				t.Errorf("%s, phase %d: %+v does not add up", r.name, i, s)
			}
			total += s.arrived
		}
		if total != len(tr) {
			t.Errorf("%s: %d arrivals, want %d", r.name, total, len(tr))
		}
		if len(r.limits) != int((ps[len(ps)-1].start+ps[len(ps)-1].duration)/tick) {
			t.Errorf("%s: %d limit samples", r.name, len(r.limits))
		}
		if r.name == noLimitRow {
			for _, s := range r.phases {
				if s.shed != 0 {
					t.Errorf("no limit row shed %d calls", s.shed)
				}
			}
		}
		if r.name == oracleRow {
			// Mid-phase, the oracle's limit is the phase's slots.
			for _, p := range ps {
				if l := r.limits[int((p.start+p.duration/2)/tick)]; l != p.slots {
					t.Errorf("oracle limit %d in phase %q, want %d", l, p.name, p.slots)
				}
			}
		}
	}
}

func TestTrace(t *testing.T) {
	ps := phases(16, time.Second)
	a, b := makeTrace(ps, 16, 1), makeTrace(ps, 16, 1)
	if len(a) != len(b) || a[len(a)/2] != b[len(b)/2] {
		t.Fatal("the same seed drew two traces")
	}
	// 23.5 capacity-seconds of arrivals at ~706 calls/s.
	if n, want := float64(len(a)), 23.5*capacity(16); n < 0.95*want || n > 1.05*want {
		t.Errorf("%v arrivals, want about %.0f", n, want)
	}
	var sum time.Duration
	for i, x := range a {
		if i > 0 && x.at < a[i-1].at || x.at >= ps[x.phase].start+ps[x.phase].duration || x.at < ps[x.phase].start {
			t.Fatalf("arrival %d out of order or phase: %+v", i, x)
		}
		sum += x.service
	}
	if mean := sum / time.Duration(len(a)); mean < 22*time.Millisecond || mean > 23500*time.Microsecond {
		t.Errorf("mean service %v, want about %v", mean, meanService)
	}
}

func TestDependency(t *testing.T) {
	d := newDependency(1)
	long := time.NewTimer(time.Hour)
	defer long.Stop()
	if !d.acquire(long) {
		t.Fatal("acquire of a free slot failed")
	}
	// A waiter whose deadline passes leaves the queue and takes nothing.
	if d.call(time.Millisecond, time.NewTimer(20*time.Millisecond)) {
		t.Fatal("a call done although the only slot was held past its deadline")
	}
	got := make(chan bool)
	go func() { got <- d.call(time.Millisecond, time.NewTimer(time.Hour)) }()
	for {
		d.mu.Lock()
		n := len(d.queue) - d.head
		d.mu.Unlock()
		if n == 2 { // the one that left, then the one waiting
			break
		}
		time.Sleep(time.Millisecond)
	}
	d.resize(2) // growing wakes the waiter
	if !<-got {
		t.Fatal("the waiter failed after a resize made room")
	}
	d.release()
	d.resize(0)
	if d.call(time.Millisecond, time.NewTimer(10*time.Millisecond)) {
		t.Fatal("a call done with no slots")
	}
	// A service that outlasts the deadline stops at the deadline.
	d.resize(1)
	start := time.Now()
	if d.call(time.Hour, time.NewTimer(10*time.Millisecond)) || time.Since(start) > time.Minute {
		t.Fatal("a call outlasting its deadline did not fail at the deadline")
	}
	if d.busy != 0 {
		t.Errorf("busy = %d after every call, want 0", d.busy)
	}
}

func TestSettle(t *testing.T) {
	p := phase{start: time.Second, duration: time.Second, slots: 8} // 1.5·8+2 = 14, +4 = 16
	mk := func(before, after int, blip int) []int {
		l := make([]int, 200)
		for k := range l {
			l[k] = before
			if k >= 100 {
				l[k] = after
			}
			if blip > 0 && k >= 160 && k < 200 {
				l[k] = blip
			}
		}
		return l
	}
	for _, tc := range []struct {
		name   string
		limits []int
		want   time.Duration
	}{
		{"at once", mk(10, 10, 0), 10 * time.Millisecond},
		{"after the window", mk(40, 10, 0), 260 * time.Millisecond}, // median of 50 samples turns at the 26th
		{"never", mk(40, 15, 0), time.Second},
		{"up again", mk(40, 10, 30), time.Second},
		{"within the slack", mk(40, 10, 16), 260 * time.Millisecond},
	} {
		if got := settle(tc.limits, p); got != tc.want {
			t.Errorf("%s: settle = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestQuantile(t *testing.T) {
	r := &row{phases: make([]phaseStats, 1)}
	if r.quantile(0, 0.99) != 0 {
		t.Error("quantile of nothing is not 0")
	}
	for i := 100; i >= 1; i-- {
		r.phases[0].latency = append(r.phases[0].latency, time.Duration(i))
	}
	if q := r.quantile(0, 0.99); q != 99 {
		t.Errorf("p99 of 1..100 = %v, want 99", q)
	}
	if q := r.quantile(0, 0.5); q != 50 {
		t.Errorf("p50 of 1..100 = %v, want 50", q)
	}
}

func TestGoals(t *testing.T) {
	good := summary{goodput2x: 1.02, goodput4x: 1, vsBestPeer2x: 0.98, vsBestPeer4x: 1.1, p99x: 1.25, settle: time.Second, creep: 1.5}
	for _, g := range good.goals() {
		if strings.Contains(g, "MISSED") {
			t.Errorf("%+v: %s", good, g)
		}
	}
	for i, bad := range []func(*summary){
		func(s *summary) { s.goodput4x = 0.99 },
		func(s *summary) { s.vsBestPeer2x = 0.97 },
		func(s *summary) { s.p99x = 1.26 },
		func(s *summary) { s.settle = 1010 * time.Millisecond },
		func(s *summary) { s.creep = 0.99 },
	} {
		s := good
		bad(&s)
		if g := s.goals()[i]; !strings.Contains(g, "MISSED") {
			t.Errorf("%+v: %s", s, g)
		}
	}
}
