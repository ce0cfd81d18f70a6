package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/cancel"
	"github.com/gopatterns/concurrency/cancel/httphedge"
)

// The rows of this library the summary line reads.
const (
	defName  = "httphedge, default Hedger"
	max2Name = "httphedge, Hedger{Max: 2}"
)

// sweepBudget lets a sweep row hedge every call that outlasts its delay, so
// that the sweep draws the frontier the delay alone sets.
const sweepBudget = 1

// ourRows returns this library's rows: the default Hedger, Max 2, the sweep
// of static delays (sweepN requests each) and, last, the default row's
// Hedger again on slowN requests that are all slow: a Hedger that learned
// the workload's latencies meets a replica that became ten times slower, so
// only its budget bounds the hedges until its delay follows.
func ourRows(m model, n, sweepN, slowN int) []*row {
	def := &cancel.Hedger{}
	rows := []*row{
		hedgerRow(defName, "ours", m, n, def),
		hedgerRow(max2Name, "ours", m, n, &cancel.Hedger{Max: 2}),
	}
	for d := 6 * time.Millisecond; d <= 20*time.Millisecond; d += 2 * time.Millisecond {
		r := hedgerRow(fmt.Sprintf("httphedge, Delay %v", d), "sweep", m, sweepN, &cancel.Hedger{Delay: d, Budget: sweepBudget})
		r.delay = d
		rows = append(rows, r)
	}
	slow := m
	slow.AllSlow = true
	rows = append(rows, hedgerRow("httphedge, default Hedger, every request slow", "slow", slow, slowN, def))
	return rows
}

// hedgerRow returns a row sending its requests through an httphedge
// Transport with the Hedger h; its note gives the Hedger's delay after the
// row and the counters of the row's own calls.
func hedgerRow(name, kind string, m model, n int, h *cancel.Hedger) *row {
	var before cancel.HedgeStats
	return &row{
		name: name, kind: kind, n: n, model: m,
		transport: func(base http.RoundTripper) http.RoundTripper {
			before = h.Stats()
			return &httphedge.Transport{Base: base, Hedger: h}
		},
		note: func() string {
			s := h.Stats()
			return fmt.Sprintf("delay after the row %.1f ms; calls %d, hedges %d, won by a hedge %d",
				ms(s.Delay), s.Calls-before.Calls, s.Hedges-before.Hedges, s.Won-before.Won)
		},
	}
}

// noHedgeCost measures, with testing.Benchmark, the time of Hedge on a call
// that returns at once, with the default Hedger (which records every call's
// latency) and with a fixed Delay of an hour, against cancel.Timeout's with
// an hour's timeout on the same call, under a context that can be
// cancelled, as a request's can.
func noHedgeCost(rounds int) cost {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	f := func(context.Context) (int, error) { return 1, nil }
	hedge := func(h *cancel.Hedger) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = cancel.Hedge(ctx, h, f)
			}
		}
	}
	timeout := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = cancel.Timeout(ctx, time.Hour, f)
		}
	}
	def := &cancel.Hedger{}
	c := measureCost(rounds, hedge(def), hedge(&cancel.Hedger{Delay: time.Hour}), timeout)
	s := def.Stats()
	c.note = fmt.Sprintf("%d calls, %d hedged", s.Calls, s.Hedges)
	return c
}
