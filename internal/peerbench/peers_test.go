package peerbench

import (
	"testing"

	"github.com/panjf2000/ants/v2"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestMain checks for leaks after releasing the pool that ants starts when
// it is imported (two goroutines that would otherwise outlive every test).
func TestMain(m *testing.M) {
	ants.Release()
	conctest.Main(m)
}

// A workload is one job done by every implementation in the same way: an op
// is items units of work (tasks, items, calls or events), and the table
// reports the time and the allocations per unit.
type workload struct {
	key   string // the sub-benchmark name: BenchmarkPeers/w=key/impl=...
	name  string // the table's first column
	unit  string // "task", "item", "call", "event"
	items int    // units per op
	check int    // units per op in TestImpls
	// rate is the target of a Wait loop, in events per second, or 0. The
	// table then also shows the rate achieved over the target.
	rate float64
	// want is the checksum of an op of n units, or nil when the checksum
	// depends on timing (how many calls a limiter allowed); it must then be
	// in [1, n].
	want  func(n int) int64
	impls []impl
}

// An impl is one implementation of a workload.
type impl struct {
	name string
	ours bool // this library, not a peer
	// setup builds what lives across ops (a limiter and its buckets) and
	// returns the op, which does n units and returns a checksum of them,
	// and a function that releases what setup built.
	setup func() (op func(n int) int64, teardown func())
}

// stateless is the setup of an implementation whose op builds everything it
// uses.
func stateless(op func(n int) int64) func() (func(int) int64, func()) {
	return func() (func(int) int64, func()) { return op, func() {} }
}

// workloads lists every workload in the order of the table.
func workloads() []*workload {
	var ws []*workload
	ws = append(ws, poolWorkloads()...)
	ws = append(ws, mapWorkloads()...)
	ws = append(ws, groupWorkloads()...)
	ws = append(ws, limitWorkloads()...)
	return ws
}

// sink keeps the compiler from dropping an op's result.
var sink int64

// benchFunc measures im on w: the setup runs once, outside the timer.
func benchFunc(w *workload, im impl) func(b *testing.B) {
	return func(b *testing.B) {
		op, teardown := im.setup()
		defer teardown()
		b.ReportAllocs()
		for b.Loop() {
			sink += op(w.items)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(w.items), "ns/"+w.unit)
	}
}

// BenchmarkPeers runs every workload on every implementation, for
// go test -bench and benchstat -col /impl. make bench-peers instead
// interleaves them (see TestTable).
func BenchmarkPeers(b *testing.B) {
	for _, w := range workloads() {
		for _, im := range w.impls {
			b.Run("w="+w.key+"/impl="+im.name, benchFunc(w, im))
		}
	}
}

// TestImpls runs every implementation on a small op and checks that it did
// the work: the checksum of the units it processed.
func TestImpls(t *testing.T) {
	for _, w := range workloads() {
		for _, im := range w.impls {
			t.Run(w.key+"/"+im.name, func(t *testing.T) {
				op, teardown := im.setup()
				defer teardown()
				got := op(w.check)
				switch {
				case w.want != nil && got != w.want(w.check):
					t.Errorf("op(%d) = %d, want %d", w.check, got, w.want(w.check))
				case w.want == nil && (got < 1 || got > int64(w.check)):
					t.Errorf("op(%d) = %d, want in [1, %d]", w.check, got, w.check)
				}
			})
		}
	}
}

// TestWorkloads checks that every workload has a peer to compare with and
// an implementation of this library, under distinct names.
func TestWorkloads(t *testing.T) {
	keys := map[string]bool{}
	for _, w := range workloads() {
		if keys[w.key] {
			t.Errorf("workload key %q used twice", w.key)
		}
		keys[w.key] = true
		names := map[string]bool{}
		var ours, peers int
		for _, im := range w.impls {
			if names[im.name] {
				t.Errorf("%s: implementation %q listed twice", w.key, im.name)
			}
			names[im.name] = true
			if im.ours {
				ours++
			} else {
				peers++
			}
		}
		if ours == 0 || peers == 0 {
			t.Errorf("%s: %d implementations of ours and %d peers, want at least one of each", w.key, ours, peers)
		}
	}
}
