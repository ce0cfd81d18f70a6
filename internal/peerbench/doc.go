// Package peerbench measures this library against the packages a user would
// pick instead of it: the same workloads, run side by side in one process.
//
// It is a module of its own so that the peers it imports never become
// dependencies of the library. This package holds only tests; the programs
// overload and hedge run the real-time benchmarks of pool/limit.Adaptive
// and of cancel/httphedge (make bench-overload, make bench-hedge). From the
// repository root,
//
//	make bench-peers
//
// runs every workload's implementations in turn, round after round, and
// prints one Markdown table of the medians with each implementation's ratio
// to the fastest peer (RESULTS.md holds the latest, HISTORY.md the runs
// before it). The same workloads run as ordinary benchmarks for benchstat:
//
//	go test -run '^$' -bench Peers -count 6 >peers.txt
//	benchstat -col /impl peers.txt
package peerbench
