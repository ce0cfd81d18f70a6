package main

import "sync/atomic"

type oracle struct{ n, size *atomic.Int64 }

func newOracle(slots int) limiter {
	o := oracle{new(atomic.Int64), new(atomic.Int64)}
	o.size.Store(int64(slots))
	return o
}

func (o oracle) try() (func(bool), bool) {
	if o.n.Add(1) > o.size.Load() {
		o.n.Add(-1)
		return nil, false
	}
	return func(bool) { o.n.Add(-1) }, true
}
func (o oracle) limit() int       { return int(o.size.Load()) }
func (o oracle) resize(slots int) { o.size.Store(int64(slots)) }

func newAdaptive(slots int) limiter { return newOracle(slots) }
