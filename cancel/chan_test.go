package cancel

import (
	"context"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestSendDelivers(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ch := make(chan int)
		go func() {
			time.Sleep(time.Second)
			if v := <-ch; v != 7 {
				t.Errorf("received %d, want 7", v)
			}
		}()
		start := time.Now()
		if err := Send(t.Context(), ch, 7); err != nil {
			t.Errorf("Send() = %v, want nil", err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Send took %v, want %v", got, time.Second)
		}
	})
}

func TestSendBackground(t *testing.T) {
	ch := make(chan int, 1)
	if err := Send(context.Background(), ch, 7); err != nil || <-ch != 7 {
		t.Errorf("Send(Background) = %v, want nil and 7 sent", err)
	}
}

func TestSendCancelled(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(time.Second, func() { cancel(errStop) })
		start := time.Now()
		if err := Send(ctx, make(chan int), 7); err != errStop {
			t.Errorf("Send() = %v, want %v", err, errStop)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Send took %v, want %v", got, time.Second)
		}
	})
}

// A done ctx is looked at before the channel: nothing is sent even though
// the channel has room. Without that order select would pick at random.
func TestSendDoneContextFirst(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(errStop)
	ch := make(chan int, 1)
	for range 100 {
		if err := Send(ctx, ch, 7); err != errStop {
			t.Fatalf("Send(done ctx) = %v, want %v", err, errStop)
		}
		if len(ch) != 0 {
			t.Fatalf("Send(done ctx) sent a value, want none")
		}
	}
}

func TestRecvReceives(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ch := make(chan int)
		go func() {
			time.Sleep(time.Second)
			ch <- 7
		}()
		v, err := Recv(t.Context(), ch)
		if v != 7 || err != nil {
			t.Errorf("Recv() = %v, %v, want 7, nil", v, err)
		}
	})
}

func TestRecvBackground(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 7
	if v, err := Recv(context.Background(), ch); v != 7 || err != nil {
		t.Errorf("Recv(Background) = %v, %v, want 7, nil", v, err)
	}
}

func TestRecvClosed(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 7
	close(ch)
	if v, err := Recv(t.Context(), ch); v != 7 || err != nil {
		t.Errorf("Recv(buffered) = %v, %v, want 7, nil", v, err)
	}
	if v, err := Recv(t.Context(), ch); v != 0 || err != ErrClosed {
		t.Errorf("Recv(closed) = %v, %v, want 0, %v", v, err, ErrClosed)
	}
}

func TestRecvCancelled(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(time.Second, func() { cancel(errStop) })
		start := time.Now()
		if v, err := Recv(ctx, make(chan int)); v != 0 || err != errStop {
			t.Errorf("Recv() = %v, %v, want 0, %v", v, err, errStop)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Recv took %v, want %v", got, time.Second)
		}
	})
}

// A done ctx is looked at before the channel: a buffered value stays, and a
// closed channel reports the cause, not ErrClosed.
func TestRecvDoneContextFirst(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(errStop)
	ch := make(chan int, 1)
	ch <- 7
	for range 100 {
		if v, err := Recv(ctx, ch); v != 0 || err != errStop {
			t.Fatalf("Recv(done ctx) = %v, %v, want 0, %v", v, err, errStop)
		}
	}
	if len(ch) != 1 {
		t.Fatalf("Recv(done ctx) took the buffered value, want it left")
	}
	closed := make(chan int)
	close(closed)
	for range 100 {
		if _, err := Recv(ctx, closed); err != errStop {
			t.Fatalf("Recv(done ctx, closed) = %v, want %v", err, errStop)
		}
	}
}
