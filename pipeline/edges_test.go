package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pipeline"
)

// TestBatchEdges checks the smallest batch size, and that an input that
// ends on a full batch is not followed by an empty one.
func TestBatchEdges(t *testing.T) {
	for _, tc := range []struct {
		size int
		want [][]int
	}{
		{1, [][]int{{1}, {2}, {3}, {4}}},
		{2, [][]int{{1, 2}, {3, 4}}},
		{4, [][]int{{1, 2, 3, 4}}},
	} {
		t.Run(fmt.Sprintf("size=%d", tc.size), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				in, send := feed[int]()
				out := pipeline.Batch(context.Background(), in, tc.size, time.Hour)
				go func() {
					send(1, 2, 3, 4)
					close(in)
				}()
				if got := drain(out); !slices.EqualFunc(got, tc.want, slices.Equal) {
					t.Errorf("Batch(size=%d) = %v, want %v", tc.size, got, tc.want)
				}
			})
		})
	}
}

// TestMapEmptyInput: an input without items ends the sequence at once.
func TestMapEmptyInput(t *testing.T) {
	for name, mapf := range maps {
		for _, workers := range []int{1, 4} {
			n := 0
			for _, err := range mapf(context.Background(), func(func(int) bool) {}, workers, okSquare) {
				if err != nil {
					t.Errorf("%s(workers=%d) of no items yielded %v", name, workers, err)
				}
				n++
			}
			if n != 0 {
				t.Errorf("%s(workers=%d) of no items yielded %d pairs, want none", name, workers, n)
			}
		}
	}
}

// TestTeeOne: Tee with one output passes every value on.
func TestTeeOne(t *testing.T) {
	ctx := context.Background()
	outs := pipeline.Tee(ctx, pipeline.Generate(ctx, 1, 2, 3), 1)
	if len(outs) != 1 {
		t.Fatalf("Tee(n=1) returned %d channels, want 1", len(outs))
	}
	if got := drain(outs[0]); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("Tee(n=1) delivered %v, want [1 2 3]", got)
	}
}
