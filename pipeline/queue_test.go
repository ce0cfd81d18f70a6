package pipeline

import (
	"sync"
	"testing"
	"testing/synctest"
)

// takeSeqs takes every chunk from q and returns their seqs in the order
// take links them.
func takeSeqs(q *queue[int, int]) []int64 {
	var seqs []int64
	for c := q.take(); c != nil; c = c.next {
		seqs = append(seqs, c.seq)
	}
	return seqs
}

func TestQueueTakesInPushOrder(t *testing.T) {
	var q queue[int, int]
	q.init()
	if c := q.take(); c != nil {
		t.Fatalf("take() on an empty queue = chunk %d, want nil", c.seq)
	}
	for i := range 3 {
		q.push(&chunk[int, int]{seq: int64(i)})
	}
	if got := takeSeqs(&q); len(got) != 3 || got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Errorf("take() = %v, want [0 1 2]", got)
	}
	if c := q.take(); c != nil {
		t.Errorf("second take() = chunk %d, want nil", c.seq)
	}
}

func TestQueueWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q queue[int, int]
		q.init()
		woke := make(chan bool)
		go func() { woke <- q.wait(nil) }()
		synctest.Wait()
		select {
		case <-woke:
			t.Fatal("wait returned on an empty queue")
		default:
		}
		q.push(&chunk[int, int]{seq: 7})
		if !<-woke {
			t.Fatal("wait(nil) = false after a push, want true")
		}
		if got := takeSeqs(&q); len(got) != 1 || got[0] != 7 {
			t.Fatalf("take() = %v, want [7]", got)
		}

		// A wait that done ends leaves no token behind: the next wait
		// on an empty queue blocks.
		done := make(chan struct{})
		go func() { woke <- q.wait(done) }()
		synctest.Wait()
		close(done)
		if <-woke {
			t.Fatal("wait(done) = true on an empty queue, want false")
		}
		go func() { woke <- q.wait(nil) }()
		synctest.Wait()
		select {
		case <-woke:
			t.Fatal("wait returned on an empty queue after a wait that done ended")
		default:
		}
		q.push(&chunk[int, int]{seq: 8})
		<-woke
	})
}

// TestQueueConcurrent pushes from many goroutines while the taker takes
// and waits, every other time with a done channel that is already closed:
// every chunk is taken once, and a wait never misses a push.
func TestQueueConcurrent(t *testing.T) {
	const pushers, each = 8, 2000
	var q queue[int, int]
	q.init()
	var wg sync.WaitGroup
	for p := range pushers {
		wg.Go(func() {
			for i := range each {
				q.push(&chunk[int, int]{seq: int64(p*each + i)})
			}
		})
	}
	closed := make(chan struct{})
	close(closed)
	seen := make([]bool, pushers*each)
	for n, waits := 0, 0; n < len(seen); {
		c := q.take()
		if c == nil {
			if waits++; waits%2 == 0 {
				q.wait(closed)
			} else {
				q.wait(nil)
			}
			continue
		}
		for ; c != nil; c = c.next {
			if seen[c.seq] {
				t.Fatalf("chunk %d taken twice", c.seq)
			}
			seen[c.seq] = true
			n++
		}
	}
	wg.Wait()
}

// TestQueueWaitEndsRacingPush: a push that comes between a wait and the
// done that ends it leaves neither the waiting mark nor its wake token
// behind, so the next take or wait sees only real chunks.
func TestQueueWaitEndsRacingPush(t *testing.T) {
	var q queue[int, int]
	q.init()
	q.head.Store(&q.waiting) // as wait does on an empty queue
	q.push(&chunk[int, int]{seq: 1})
	q.endWait() // as wait does when done is closed
	if len(q.wake) != 0 {
		t.Error("a wait that done ended left a wake token behind")
	}
	if q.head.Load() == &q.waiting {
		t.Error("a wait that done ended left the waiting mark behind")
	}
	if got := takeSeqs(&q); len(got) != 1 || got[0] != 1 {
		t.Errorf("take() = %v, want [1]", got)
	}
}
