package main

import "github.com/gopatterns/concurrency/pool/limit"

// oracle is a Semaphore of exactly the dependency's slots, resized when
// they change: the fixed limit a perfect operator would set.
type oracle struct{ s *limit.Semaphore }

func newOracle(slots int) limiter { return oracle{limit.NewSemaphore(int64(slots))} }

func (o oracle) try() (func(bool), bool) {
	if !o.s.TryAcquire(1) {
		return nil, false
	}
	return func(bool) { o.s.Release(1) }, true
}
func (o oracle) limit() int       { return int(o.s.Size()) }
func (o oracle) resize(slots int) { o.s.Resize(int64(slots)) }

// adaptive is this library's Adaptive with its defaults: Done for a call
// that finished in time, Drop for one that missed its deadline.
type adaptive struct{ a *limit.Adaptive }

func newAdaptive(int) limiter { return adaptive{new(limit.Adaptive)} }

func (a adaptive) try() (func(bool), bool) {
	p, ok := a.a.TryAcquire()
	if !ok {
		return nil, false
	}
	return func(done bool) {
		if done {
			p.Done()
		} else {
			p.Drop()
		}
	}, true
}
func (a adaptive) limit() int { return a.a.Limit() }
func (adaptive) resize(int)   {}
