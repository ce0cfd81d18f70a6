package main

import (
	"context"

	"github.com/failsafe-go/failsafe-go/adaptivelimiter"
	"github.com/platinummonkey/go-concurrency-limits/core"
	gcllimit "github.com/platinummonkey/go-concurrency-limits/limit"
	gcllimiter "github.com/platinummonkey/go-concurrency-limits/limiter"
	"github.com/platinummonkey/go-concurrency-limits/strategy"
)

// A limiter is what one row puts in front of its dependency. try takes a
// permit without waiting; release gives it back, saying whether the call
// finished within its deadline.
type limiter interface {
	try() (release func(ok bool), granted bool)
	limit() int       // the current limit; < 0 when there is none
	resize(slots int) // the dependency's slots changed (only the oracle hears it)
}

// rowSpec names a row and builds its limiter for a dependency of slots.
type rowSpec struct {
	name string
	peer bool // a peer library's limiter (vsbestpeer compares with these)
	make func(slots int) limiter
}

// The rows the summary line reads.
const (
	noLimitRow  = "no limit"
	oracleRow   = "oracle (C)"
	adaptiveRow = "Adaptive"
)

// The rows, in the order the tables print them.
var rowSpecs = []rowSpec{
	{name: noLimitRow, make: func(int) limiter { return noLimit{} }},
	{name: oracleRow, make: newOracle},
	{name: adaptiveRow, make: newAdaptive},
	{name: "failsafe-go", peer: true, make: newFailsafe},
	{name: "gcl Vegas", peer: true, make: newGCLVegas},
	{name: "gcl Gradient2", peer: true, make: newGCLGradient2},
}

// noLimit lets every call through.
type noLimit struct{}

func (noLimit) try() (func(bool), bool) { return func(bool) {}, true }
func (noLimit) limit() int              { return -1 }
func (noLimit) resize(int)              {}

// failsafe is failsafe-go's adaptive limiter with its defaults
// (adaptivelimiter.NewWithDefaults): Record for a call that finished in
// time, Drop for one that missed its deadline, as its docs ask.
type failsafe struct {
	l adaptivelimiter.AdaptiveLimiter[any]
}

func newFailsafe(int) limiter {
	return failsafe{adaptivelimiter.NewWithDefaults[any]()}
}

func (f failsafe) try() (func(bool), bool) {
	p, ok := f.l.TryAcquirePermit()
	if !ok {
		return nil, false
	}
	return func(done bool) {
		if done {
			p.Record()
		} else {
			p.Drop()
		}
	}, true
}
func (f failsafe) limit() int { return f.l.Limit() }
func (failsafe) resize(int)   {}

// gcl is a go-concurrency-limits DefaultLimiter with a SimpleStrategy:
// OnSuccess for a call that finished in time, OnDropped for one that
// missed its deadline.
type gcl struct{ l *gcllimiter.DefaultLimiter }

// newGCLVegas is the library's NewDefaultLimiterWithDefaults: its
// VegasLimit with defaults, in a DefaultLimiter with default windows.
func newGCLVegas(int) limiter {
	l, err := gcllimiter.NewDefaultLimiterWithDefaults("vegas", strategy.NewSimpleStrategy(20), nil, nil)
	if err != nil {
		panic(err)
	}
	return gcl{l}
}

// newGCLGradient2 is NewDefaultGradient2Limit in a DefaultLimiter with the
// windows NewDefaultLimiterWithDefaults uses (1 s, 1 s, 100 µs, 100
// samples; the library keeps these constants unexported).
func newGCLGradient2(int) limiter {
	lim := gcllimit.NewDefaultGradient2Limit("gradient2", nil, nil)
	l, err := gcllimiter.NewDefaultLimiter(lim, 1e9, 1e9, 1e5, 100, strategy.NewSimpleStrategy(20), nil, nil)
	if err != nil {
		panic(err)
	}
	return gcl{l}
}

func (g gcl) try() (func(bool), bool) {
	var ls core.Listener
	ls, ok := g.l.Acquire(context.Background())
	if !ok {
		return nil, false
	}
	return func(done bool) {
		if done {
			ls.OnSuccess()
		} else {
			ls.OnDropped()
		}
	}, true
}
func (g gcl) limit() int { return g.l.EstimatedLimit() }
func (gcl) resize(int)   {}
