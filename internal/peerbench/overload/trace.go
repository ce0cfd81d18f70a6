package main

import (
	"math"
	"math/rand/v2"
	"time"
)

// A phase is a stretch of the run with one arrival rate and one capacity.
type phase struct {
	name     string
	load     float64       // arrival rate, as a multiple of the full capacity
	slots    int           // the dependency's slots during the phase
	duration time.Duration // how long the phase lasts
	start    time.Duration // from the start of the run
}

// phases returns the workload's phases: 0.5x, 1x, 2x and 4x capacity, 2x
// with the slots halved and then restored, and a long stretch at 2x.
func phases(slots int, step time.Duration) []phase {
	ps := []phase{
		{name: "0.5x", load: 0.5, slots: slots, duration: step},
		{name: "1x", load: 1, slots: slots, duration: step},
		{name: "2x", load: 2, slots: slots, duration: step},
		{name: "4x", load: 4, slots: slots, duration: step},
		{name: "2x, C/2", load: 2, slots: slots / 2, duration: step},
		{name: "2x, C back", load: 2, slots: slots, duration: step},
		{name: "2x, long", load: 2, slots: slots, duration: 6 * step},
	}
	var at time.Duration
	for i := range ps {
		ps[i].start = at
		at += ps[i].duration
	}
	return ps
}

// The indexes of the phases the summary line reads.
const (
	phaseUnloaded = 0
	phase2x       = 2
	phase4x       = 3
	phaseHalved   = 4
	phaseLong     = 6
)

// An arrival is one call of the trace: when it arrives, in which phase,
// and how long the dependency takes to serve it.
type arrival struct {
	at      time.Duration
	service time.Duration
	phase   int
}

// The dependency's service times: lognormal with this median and sigma.
const (
	serviceMedian = 20 * time.Millisecond
	serviceSigma  = 0.5
)

// meanService is the lognormal's mean, median·exp(sigma²/2).
var meanService = time.Duration(float64(serviceMedian) * math.Exp(serviceSigma*serviceSigma/2))

// capacity is the calls per second that slots serve on average.
func capacity(slots int) float64 { return float64(slots) / meanService.Seconds() }

// makeTrace draws the open-loop Poisson arrivals of the phases and their
// service times from seed; every row replays the same trace.
func makeTrace(ps []phase, slots int, seed uint64) []arrival {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var tr []arrival
	for i, p := range ps {
		rate := p.load * capacity(slots)
		end := (p.start + p.duration).Seconds()
		for t := p.start.Seconds() + rng.ExpFloat64()/rate; t < end; t += rng.ExpFloat64() / rate {
			s := float64(serviceMedian) * math.Exp(serviceSigma*rng.NormFloat64())
			tr = append(tr, arrival{at: time.Duration(t * 1e9), service: time.Duration(s), phase: i})
		}
	}
	return tr
}
