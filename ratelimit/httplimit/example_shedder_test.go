package httplimit_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/gopatterns/concurrency/pool/limit"
	"github.com/gopatterns/concurrency/ratelimit/httplimit"
)

// A Shedder in front of a handler serves as many requests at once as its
// adaptive limit allows and refuses the rest at once with 503. Here the
// limit is pinned to 2 so that the third request in flight is refused; a
// server leaves the bounds at their defaults and lets the limit find its
// level from the handler's latency.
func ExampleShedder() {
	var lim limit.Adaptive // the zero value is ready
	lim.SetBounds(2, 2)
	shedder := &httplimit.Shedder{Limit: &lim}

	started, release := make(chan bool), make(chan bool)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- true
		<-release
		io.WriteString(w, "done")
	})
	srv := httptest.NewServer(shedder.Wrap(slow))
	defer srv.Close()

	results := make(chan string)
	for range 2 {
		go func() {
			resp, err := http.Get(srv.URL)
			if err != nil {
				results <- err.Error()
				return
			}
			resp.Body.Close()
			results <- resp.Status
		}()
		<-started
	}
	resp, err := http.Get(srv.URL) // two in flight: over the limit
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("third:", resp.Status, "- Retry-After:", resp.Header.Get("Retry-After"))
	close(release)
	fmt.Println("first two:", <-results, "and", <-results)
	fmt.Println("in flight now:", lim.Stats().InFlight)
	// Output:
	// third: 503 Service Unavailable - Retry-After: 1
	// first two: 200 OK and 200 OK
	// in flight now: 0
}

// Wrap's handler lets health checks through with Skip, whatever the load,
// and answers the requests over the limit with Refused; the handler it
// wraps may answer 503 itself when its own dependency is overloaded, and the
// limit then shrinks at once.
func ExampleShedder_Wrap() {
	var lim limit.Adaptive
	shedder := &httplimit.Shedder{
		Limit: &lim,
		Skip:  func(r *http.Request) bool { return r.URL.Path == "/healthz" },
		Refused: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "2")
			http.Error(w, "busy, try again soon", http.StatusServiceUnavailable)
		},
	}
	h := shedder.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/db" {
			http.Error(w, "database overloaded", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))

	before := lim.Limit()
	for _, path := range []string{"/healthz", "/", "/db"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Println(path, rec.Code)
	}
	s := lim.Stats()
	fmt.Println("permits:", s.Acquired, "dropped:", s.Dropped, "limit shrank:", lim.Limit() < before)
	// Output:
	// /healthz 200
	// / 200
	// /db 503
	// permits: 2 dropped: 1 limit shrank: true
}
