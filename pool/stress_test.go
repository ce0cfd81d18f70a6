package pool_test

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool"
)

// TestRandomOpsNeverStrandAValue drives pools with random Submit, Resize
// and SetQueueLimit calls, values that block until released, call
// runtime.Goexit or panic, and bursts of quick values that workers take in
// batches. Whenever the bubble settles, a value may wait only while size
// values run; at the end every value has run once and every worker exited.
func TestRandomOpsNeverStrandAValue(t *testing.T) {
	rounds := 500
	if testing.Short() {
		rounds = 20
	}
	conctest.WithProcs(t, func(t *testing.T) {
		for seed := range uint64(rounds) {
			synctest.Test(t, func(t *testing.T) { randomOps(t, seed) })
		}
	})
}

// stressValue is a value of the random pool: kind 0 is quick, 1 waits for
// gate, 2 calls runtime.Goexit, 3 panics.
type stressValue struct {
	kind int
	gate chan struct{}
}

func randomOps(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, uint64(runtime.GOMAXPROCS(0))))
	var running, pending atomic.Int64
	size := 1 + r.IntN(6)
	p := pool.New(size, func(v stressValue) {
		pending.Add(-1)
		running.Add(1)
		defer running.Add(-1)
		switch v.kind {
		case 1:
			<-v.gate
		case 2:
			runtime.Goexit()
		case 3:
			panic("stress")
		}
	})
	p.SetPanicHandler(func(*pool.PanicError) {})
	var gates []chan struct{}
	var submitters sync.WaitGroup
	submit := func(kind int) {
		v := stressValue{kind: kind}
		if kind == 1 {
			v.gate = make(chan struct{})
			gates = append(gates, v.gate)
		}
		pending.Add(1)
		submitters.Go(func() { p.Submit(v) })
	}
	for step := range 80 {
		switch op := r.IntN(100); {
		case op < 40:
			submit([]int{0, 0, 0, 0, 1, 1, 1, 1, 2, 3}[r.IntN(10)])
		case op < 50:
			for range 10 + r.IntN(30) {
				submit(0)
			}
			for range r.IntN(4) {
				submit(1)
			}
		case op < 70:
			if len(gates) > 0 {
				i := r.IntN(len(gates))
				close(gates[i])
				gates = append(gates[:i], gates[i+1:]...)
			}
		case op < 85:
			size = 1 + r.IntN(6)
			p.Resize(size)
		default:
			limit := -1
			if r.IntN(2) == 0 {
				limit = r.IntN(3)
			}
			p.SetQueueLimit(limit)
		}
		synctest.Wait()
		if run, pend := running.Load(), pending.Load(); run < int64(size) && pend > 0 {
			t.Fatalf("seed %d, step %d: %d values wait while %d of %d run; %+v", seed, step, pend, run, size, p.Stats())
		}
	}
	for _, g := range gates {
		close(g)
	}
	submitters.Wait()
	p.Close()
	if s := p.Stats(); s.Completed != s.Submitted || s.Workers != 0 || pending.Load() != 0 {
		t.Errorf("seed %d: after Close, Stats() = %+v with %d values not run, want all run and 0 workers", seed, s, pending.Load())
	}
}
