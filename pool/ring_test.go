package pool

import (
	"slices"
	"testing"
)

// FuzzRing drives the queue with pushes and takes decoded from the input
// and checks it against a plain slice.
func FuzzRing(f *testing.F) {
	f.Add([]byte{10, 200, 3, 130, 255, 255, 1})
	f.Add([]byte{0, 0, 0, 128 + 40})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var r ring[int]
		var model []int
		var batch []int
		next := 0
		for _, op := range ops {
			n := int(op & 127)
			if op < 128 { // push n values
				for range n {
					r.push(next)
					model = append(model, next)
					next++
				}
			} else { // take up to n values
				k := min(n, r.len())
				batch = r.take(batch, k)
				if !slices.Equal(batch, model[:k]) {
					t.Fatalf("take(%d) = %v, want %v", k, batch, model[:k])
				}
				model = model[k:]
			}
			if r.len() != len(model) {
				t.Fatalf("len() = %d, want %d", r.len(), len(model))
			}
		}
		if r.len() > 0 {
			rest := r.take(nil, r.len())
			if !slices.Equal(rest, model) {
				t.Fatalf("take(all) = %v, want %v", rest, model)
			}
		}
	})
}

func TestRingShrinksWhenEmpty(t *testing.T) {
	var r ring[int]
	for i := range 2 * maxIdleBuf {
		r.push(i)
	}
	r.shrink()
	if len(r.buf) == 0 {
		t.Error("shrink dropped the buffer of a queue that is not empty")
	}
	r.take(nil, r.len())
	r.shrink()
	if len(r.buf) != 0 {
		t.Errorf("empty queue keeps a buffer of %d, want 0 above %d", len(r.buf), maxIdleBuf)
	}
	for i := range 10 {
		r.push(i)
	}
	r.take(nil, 10)
	r.shrink()
	if len(r.buf) == 0 {
		t.Error("small empty queue dropped its buffer, want it kept")
	}
	for i := range maxIdleBuf {
		r.push(i)
	}
	r.take(nil, maxIdleBuf)
	r.shrink()
	if len(r.buf) != maxIdleBuf {
		t.Errorf("empty queue keeps a buffer of %d, want the %d it had: at most %d is kept", len(r.buf), maxIdleBuf, maxIdleBuf)
	}
}
