package main

import "math"

// The rows of this library the summary line reads.
const (
	defName  = "httphedge, default Hedger"
	max2Name = "httphedge, Hedger{Max: 2}"
)

// ourRows returns this library's rows: none until cancel.Hedge and
// cancel/httphedge are in the tree.
func ourRows(m model, n, sweepN, slowN int) []*row { return nil }

// noHedgeCost is not measured until cancel.Hedge is in the tree.
func noHedgeCost(rounds int) cost { return cost{ratio: math.NaN()} }
