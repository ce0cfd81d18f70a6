package httplimit

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
)

// These tests run a real server on the loopback interface. Time is real
// here, so the rate is one token an hour: no token comes back while a test
// runs, and every number the test checks is exact however slow the machine.

// newServer starts a server that limits each client to bursts of burst and
// records every RemoteAddr it sees and every connection it accepts.
func newServer(t *testing.T, burst int) (*httptest.Server, *remotes) {
	t.Helper()
	seen := &remotes{ports: map[string]bool{}}
	l := &Limiter{
		Store: Keyed(ratelimit.NewKeyed[string](rate.Every(time.Hour), burst)),
		Key: func(r *http.Request) (string, error) {
			seen.add(r.RemoteAddr)
			return ClientKey(r)
		},
		OnError: func(_ *http.Request, err error) { t.Errorf("OnError(%v)", err) },
	}
	srv := httptest.NewUnstartedServer(l.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			seen.mu.Lock()
			seen.conns++
			seen.mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, seen
}

// remotes records the distinct RemoteAddrs a server saw, and the
// connections it accepted.
type remotes struct {
	mu    sync.Mutex
	ports map[string]bool
	n     int
	conns int
}

func (s *remotes) add(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ports[addr] = true
	s.n++
}

// newClient returns a client that dials a new connection for every request,
// from the loopback address local.
func newClient(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true, DialContext: d.DialContext},
		Timeout:   30 * time.Second,
	}
}

// seenAnswer is what a client saw of a response.
type seenAnswer struct {
	code                  int
	rateLimit, retryAfter string
}

// get sends one request. It reports a failure with t.Error, not t.Fatal,
// since concurrent clients call it on goroutines of their own.
func get(t *testing.T, c *http.Client, url string) seenAnswer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Error(err)
		return seenAnswer{}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return seenAnswer{resp.StatusCode, resp.Header.Get("RateLimit"), resp.Header.Get("Retry-After")}
}

// Every request comes on a new connection, from a new port unless the
// kernel reuses one at once (loopback allows it), and the client still has
// one bucket: the key is its address without the port.
func TestServerNewConnections(t *testing.T) {
	srv, seen := newServer(t, 3)
	c := newClient("127.0.0.1")
	defer c.CloseIdleConnections()
	want := []seenAnswer{
		{200, `"default";r=2;t=3600`, ""},
		{200, `"default";r=1;t=7200`, ""},
		{200, `"default";r=0;t=10800`, ""},
		{429, `"default";r=0;t=3600`, "3600"},
		{429, `"default";r=0;t=3600`, "3600"},
	}
	for i, w := range want {
		if got := get(t, c, srv.URL); got != w {
			t.Errorf("request %d: %+v, want %+v", i+1, got, w)
		}
	}
	if seen.conns != len(want) {
		t.Errorf("%d requests came on %d connections, want a new one for each", len(want), seen.conns)
	}
	if len(seen.ports) < 2 {
		t.Errorf("%d requests came from %d RemoteAddrs, want several ports", len(want), len(seen.ports))
	}
}

// Concurrent clients, each from its own loopback address and on a new
// connection per request: each client gets exactly its burst, whatever the
// interleaving, and the remaining counts it is told are burst-1 down to 0.
func TestServerConcurrentClients(t *testing.T) {
	const clients, perClient, burst = 4, 8, 3
	srv, seen := newServer(t, burst)
	// Linux routes all of 127.0.0.0/8 to the loopback interface; other
	// systems may have 127.0.0.1 alone.
	probe, err := newClient("127.0.0.2").Get(srv.URL + "/probe")
	if err != nil {
		t.Skipf("cannot send from 127.0.0.2: %v", err)
	}
	probe.Body.Close()
	var wg sync.WaitGroup
	results := make([][]seenAnswer, clients)
	for i := range clients {
		local := fmt.Sprintf("127.0.0.%d", i+3) // the probe's bucket is not theirs
		c := newClient(local)
		// Each client sends its requests from several goroutines at once.
		var mu sync.Mutex
		for range perClient {
			wg.Go(func() {
				a := get(t, c, srv.URL)
				mu.Lock()
				results[i] = append(results[i], a)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	for i, answers := range results {
		ok, refused := 0, 0
		remaining := map[string]bool{}
		for _, a := range answers {
			switch a.code {
			case 200:
				ok++
				remaining[a.rateLimit] = true
			case 429:
				refused++
				if a.retryAfter != "3600" {
					t.Errorf("client %d: refused with Retry-After %q, want 3600", i+1, a.retryAfter)
				}
			default:
				t.Errorf("client %d: status %d", i+1, a.code)
			}
		}
		if ok != burst || refused != perClient-burst {
			t.Errorf("client %d: %d allowed, %d refused; want %d, %d", i+1, ok, refused, burst, perClient-burst)
		}
		for r := range burst {
			want := fmt.Sprintf(`"default";r=%d;t=%d`, r, 3600*(burst-r))
			if !remaining[want] {
				t.Errorf("client %d: no allowed answer said %s; got %v", i+1, want, remaining)
			}
		}
	}
	if seen.conns != seen.n || seen.n != clients*perClient+1 {
		t.Errorf("%d requests came on %d connections, want a new one for each", seen.n, seen.conns)
	}
}
