package httphedge

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/cancel"
)

// Tests against a real server: time is real here, so the bounds are wide.

// A replicaServer answers its first request slowly, stopping when the
// request is cancelled, and the others with body; it counts requests,
// cancellations seen and open connections.
type replicaServer struct {
	*httptest.Server
	body      []byte
	requests  atomic.Int32
	cancelled chan struct{}

	mu    sync.Mutex
	conns map[net.Conn]http.ConnState
}

func newReplicaServer(t *testing.T, body []byte) *replicaServer {
	s := &replicaServer{body: body, cancelled: make(chan struct{}, 10), conns: map[net.Conn]http.ConnState{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Config.ConnState = func(c net.Conn, st http.ConnState) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if st == http.StateClosed || st == http.StateHijacked {
			delete(s.conns, c)
		} else {
			s.conns[c] = st
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *replicaServer) serve(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	if s.requests.Add(1) == 1 {
		select {
		case <-r.Context().Done():
			s.cancelled <- struct{}{}
			return
		case <-time.After(10 * time.Second):
		}
	}
	// Write the body in pieces, flushing each, so that the client reads it
	// after RoundTrip has returned.
	w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
	for b := s.body; len(b) > 0; {
		n := min(len(b), 64<<10)
		if _, err := w.Write(b[:n]); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		b = b[n:]
		time.Sleep(time.Millisecond)
	}
}

// openConns waits, up to a wide bound, until the server has no open
// connection, and returns how many are left.
func (s *replicaServer) openConns() int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A slow replica is beaten by the hedge, the server sees the loser's
// cancellation, the 1 MiB body of the winner is read in full after
// RoundTrip returned, and no connection stays open once it is closed.
func TestServerSlowReplicaBeaten(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	s := newReplicaServer(t, body)
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	h := &cancel.Hedger{Delay: 50 * time.Millisecond}
	client := &http.Client{Transport: &Transport{Base: base, Hedger: h}}
	start := time.Now()
	resp, err := client.Get(s.URL)
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	select {
	case <-s.cancelled:
	case <-time.After(5 * time.Second):
		t.Error("the server did not see the slow request cancelled")
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Equal(got, body) {
		t.Errorf("read %d bytes of the body, error %v; want %d bytes", len(got), err, len(body))
	}
	resp.Body.Close()
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Get took %v, want well under the slow replica's 10s", took)
	}
	// Which copy reaches the server first, and so is the slow one, is up
	// to the scheduler of a loaded machine: the hedge may lose.
	if s := h.Stats(); s.Calls != 1 || s.Hedges != 1 {
		t.Errorf("Stats() = %+v, want 1 call, 1 hedge", s)
	}
	base.CloseIdleConnections()
	if n := s.openConns(); n != 0 {
		t.Errorf("%d connections open after the body was closed", n)
	}
}

// A POST is sent once, however slow.
func TestServerPostOnce(t *testing.T) {
	s := newReplicaServer(t, []byte("ok"))
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	h := &cancel.Hedger{Delay: 10 * time.Millisecond}
	client := &http.Client{Transport: &Transport{Base: base, Hedger: h}, Timeout: 200 * time.Millisecond}
	resp, err := client.Post(s.URL, "text/plain", strings.NewReader("x"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("Post() succeeded, want the client's timeout")
	}
	if n := s.requests.Load(); n != 1 {
		t.Errorf("the server got %d requests, want 1", n)
	}
	if s := h.Stats(); s.Calls != 0 || s.Hedges != 0 {
		t.Errorf("Stats() = %+v, want nothing counted", s)
	}
	base.CloseIdleConnections()
	if n := s.openConns(); n != 0 {
		t.Errorf("%d connections open", n)
	}
}

// The zero Transport hedges through http.DefaultTransport with its own Hedger.
func TestServerZeroTransport(t *testing.T) {
	s := newReplicaServer(t, []byte("ok"))
	s.requests.Store(1) // no slow request
	tr := &Transport{}
	resp, err := (&http.Client{Transport: tr}).Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "ok" {
		t.Errorf("body %q, want %q", b, "ok")
	}
	resp.Body.Close()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	if s := tr.own.Stats(); s.Calls != 1 {
		t.Errorf("own Hedger's Stats() = %+v, want 1 call", s)
	}
}
