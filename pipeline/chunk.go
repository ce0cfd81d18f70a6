package pipeline

import "unsafe"

// A chunk carries consecutive items of the input from the feeder to a worker
// and their results from the worker to the loop, so that one hand-off
// moves many items. Chunks are recycled through mapper.free; their
// number bounds the memory of a Map.
type chunk[T, R any] struct {
	gen  int64        // seq, published for the loop that steals chunks; atomic only
	seq  int64        // position in the input, in chunks
	in   []T          // items [0:n]
	out  []R          // results [0:ok]
	n    int          // items in the chunk, fixed when it is sealed
	ok   int          // leading items whose f succeeded
	err  error        // why item ok failed, if it did
	next *chunk[T, R] // in a queue
}

// newChunk returns an empty chunk for the given limit of items. For one
// item, the chunk holds the item and its result in its own memory: slow
// items go one per chunk, and then the feeder, the worker and the loop each
// bring two cache lines into their core's cache for it rather than four.
// Once such a chunk gets larger slices, that memory keeps its last item and
// result until the run ends, as c.in keeps its items (see mapper.call).
func newChunk[T, R any](limit int) *chunk[T, R] {
	if limit > 1 {
		return new(chunk[T, R])
	}
	s := new(struct {
		c   chunk[T, R]
		in  [1]T
		out [1]R
	})
	s.c.in, s.c.out = s.in[:], s.out[:]
	return &s.c
}

// The feeder fills the open chunk one item at a time and publishes the count
// in mapper.fill with one compare-and-swap per item. The word also holds the
// open chunk's seq, so that the loop can take ("steal") a partial chunk, or
// ask for the next item at once, when it has nothing else to wait for; see
// mapper.steal.
const (
	countMask = 1<<16 - 1 // items in the open chunk
	sealedBit = 1 << 16   // the open chunk is closed to new items
	hungryBit = 1 << 17   // flush the open chunk after its next item
	stopBit   = 1 << 18   // the loop has ended: stop reading the input
	genShift  = 19        // the open chunk's seq is in the bits from here
	genMask   = -1 << genShift

	maxChunk   = 4096     // items per chunk at most
	minChunk   = 1024     // chunkLimit at least, whatever the size of the items
	chunkBytes = 64 << 10 // items and results per chunk, in bytes, above minChunk
)

// chunkLimit returns how many items a chunk of a Map from T to R holds at
// most: maxChunk when an item and its result take 16 bytes or less, fewer
// for larger ones, so that a chunk takes about chunkBytes, but at least
// minChunk. Larger chunks move cheap items with fewer hand-offs.
func chunkLimit[T, R any]() int {
	var (
		t T
		r R
	)
	size := max(int(unsafe.Sizeof(t)+unsafe.Sizeof(r)), 1)
	return min(max(chunkBytes/size, minChunk), maxChunk)
}
