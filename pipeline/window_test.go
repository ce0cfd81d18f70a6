package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"unsafe"
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
		{"[2]int64 to [2]int64", chunkLimit[[2]int64, [2]int64](), chunkBytes / 32},
		{"[1000]byte to int", chunkLimit[[1000]byte, int](), minChunk},
	} {
		if tc.got != tc.want {
			t.Errorf("chunkLimit(%s) = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

// TestNewChunk: a chunk for one item holds the item and its result right
// after its own fields; a chunk for more gets its memory when it is opened.
func TestNewChunk(t *testing.T) {
	c := newChunk[int, string](1)
	if len(c.in) != 1 || len(c.out) != 1 {
		t.Fatalf("newChunk(1): len(in), len(out) = %d, %d, want 1, 1", len(c.in), len(c.out))
	}
	base := uintptr(unsafe.Pointer(c))
	in, out := uintptr(unsafe.Pointer(&c.in[0])), uintptr(unsafe.Pointer(&c.out[0]))
	if size := unsafe.Sizeof(*c); in != base+size || out != in+unsafe.Sizeof(c.in[0]) {
		t.Errorf("newChunk(1): item at chunk+%d, result at chunk+%d, want %d and %d",
			in-base, out-base, size, size+unsafe.Sizeof(c.in[0]))
	}
	if c := newChunk[int, string](2); c.in != nil || c.out != nil {
		t.Errorf("newChunk(2): cap(in), cap(out) = %d, %d, want 0, 0", cap(c.in), cap(c.out))
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
		{5, 0, false},                          // the first chunk, open
		{1<<genShift | 5, 0, true},             // the first chunk, gone
	} {
		m := &mapper[int, int]{fill: tc.fill}
		if got := m.sealed(tc.seq); got != tc.want {
			t.Errorf("sealed(%d) with fill %#x = %v, want %v", tc.seq, tc.fill, got, tc.want)
		}
	}
}

// TestEmitError: once ctx is done, a chunk's error is reported as
// context.Cause(ctx) only when it is ctx's error, as f returns it from the
// context it is given; an error of f's own is the first error, and stays.
func TestEmitError(t *testing.T) {
	cause := errors.New("enough")
	errOwn := errors.New("own")
	for _, tc := range []struct {
		err  error
		want error
	}{
		{errOwn, errOwn},
		{context.Canceled, cause},
		{fmt.Errorf("item 3: %w", context.Canceled), cause},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		m := &mapper[int, int]{ctx: ctx}
		c := &chunk[int, int]{out: []int{9}, ok: 1, err: tc.err}
		var got []error
		m.emit(c, func(_ int, err error) bool {
			got = append(got, err)
			return true
		})
		if len(got) != 2 || got[0] != nil || got[1] != tc.want {
			t.Errorf("emit of a chunk with error %v yielded errors %v, want [<nil> %v]", tc.err, got, tc.want)
		}
	}
}
