package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/cristalhq/hedgedhttp"
	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"github.com/failsafe-go/failsafe-go/hedgepolicy"
)

// Failsafe-go's quantile hedge has no default for how long its moving
// quantile remembers nor for how many executions it waits before the first
// hedge; these are the values of its own tests of that policy.
const (
	failsafeAge       = 30
	failsafeThreshold = 20
)

// peerRows returns the rows without hedging and of the peers, n requests
// each.
func peerRows(m model, n int) []*row {
	none := &row{name: "no hedging", kind: "none", n: n, model: m}

	var hs *hedgedhttp.Stats
	cristal := &row{
		name: "cristalhq/hedgedhttp, 10 ms, upto 2", kind: "peer", n: n, model: m,
		transport: func(base http.RoundTripper) http.RoundTripper {
			rt, stats, err := hedgedhttp.NewRoundTripperAndStats(10*time.Millisecond, 2, base)
			if err != nil {
				panic(err)
			}
			hs = stats
			return rt
		},
		note: func() string {
			return fmt.Sprintf("round trips %d, hedge won %d", hs.ActualRoundTrips(), hs.HedgedRequestWins())
		},
	}

	failsafe := &row{
		name: "failsafe-go hedgepolicy, p90 delay", kind: "peer", n: n, model: m,
		transport: func(base http.RoundTripper) http.RoundTripper {
			p := hedgepolicy.NewWithDelayQuantile[*http.Response](0.9, failsafeAge, failsafeThreshold)
			return failsafehttp.NewRoundTripper(base, p)
		},
		note: func() string {
			return fmt.Sprintf("quantile age %d, threshold %d", failsafeAge, failsafeThreshold)
		},
	}
	return []*row{none, cristal, failsafe}
}
