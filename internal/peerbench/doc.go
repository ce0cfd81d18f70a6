// Package peerbench measures this library against the packages a user would
// pick instead of it: the same workloads, run side by side in one process.
//
// It is a module of its own so that the peers it imports never become
// dependencies of the library. Run it from the repository root with
//
//	make bench-peers
//
// which prints one Markdown table of medians and of each implementation's
// ratio to the best peer.
package peerbench
