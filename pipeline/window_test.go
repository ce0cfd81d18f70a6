package pipeline

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// TestOrderedMapWindow runs OrderedMap over an endless input whose first
// item never finishes: the input is read no further than the reorder window.
func TestOrderedMapWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers = 2
		var pulled atomic.Int64
		in := func(yield func(int) bool) {
			for i := 0; ; i++ {
				pulled.Add(1)
				if !yield(i) {
					return
				}
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			n := 0
			for _, err := range OrderedMap(ctx, in, workers, func(ctx context.Context, v int) (int, error) {
				if v == 0 {
					<-ctx.Done()
					return 0, ctx.Err()
				}
				return v, nil
			}) {
				if err == nil {
					n++
				}
			}
			done <- n
		}()
		synctest.Wait() // everything is blocked: item 0 is not done
		bound := int64(max(16, 4*workers)*maxChunk + 1)
		if got := pulled.Load(); got > bound {
			t.Errorf("read %d items while item 0 runs, want at most %d", got, bound)
		}
		cancel()
		if n := <-done; n != 0 {
			t.Errorf("yielded %d results before item 0, want 0", n)
		}
	})
}

// TestChunkLimit: chunks of small items hold maxChunk of them, chunks of
// larger ones about chunkBytes, but never fewer than minChunk items.
func TestChunkLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  int
		want int
	}{
		{"int to int", chunkLimit[int, int](), maxChunk},
		{"empty", chunkLimit[struct{}, struct{}](), maxChunk},
		{"string to string", chunkLimit[string, string](), chunkBytes / 32},
		{"[1000]byte to int", chunkLimit[[1000]byte, int](), minChunk},
	} {
		if tc.got != tc.want {
			t.Errorf("chunkLimit(%s) = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

// TestSealed: the ordered loop leaves the feeder's partial chunk alone while
// the chunk it yields next has left the feeder, and only then.
func TestSealed(t *testing.T) {
	for _, tc := range []struct {
		fill int64
		seq  int64
		want bool
	}{
		{3<<genShift | 5, -1, false},           // any order
		{3<<genShift | 5, 2, true},             // an older chunk
		{3<<genShift | 5, 3, false},            // the open chunk
		{3<<genShift | sealedBit | 5, 3, true}, // the open chunk, sealed
		{3<<genShift | stopBit, 3, true},       // the loop has ended
	} {
		m := &mapper[int, int]{fill: tc.fill}
		if got := m.sealed(tc.seq); got != tc.want {
			t.Errorf("sealed(%d) with fill %#x = %v, want %v", tc.seq, tc.fill, got, tc.want)
		}
	}
}
