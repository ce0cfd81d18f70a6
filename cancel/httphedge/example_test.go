package httphedge_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/cancel"
	"github.com/gopatterns/concurrency/cancel/httphedge"
)

// newServer starts a server whose first request is stuck until the client
// cancels it; it answers the others at once.
func newServer() *httptest.Server {
	var requests atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		fmt.Fprint(w, "hello")
	}))
}

// A Transport in an http.Client hedges the client's GET requests: the
// stuck first request is cancelled once the hedge has answered.
func ExampleTransport() {
	srv := newServer()
	defer srv.Close()
	h := &cancel.Hedger{Delay: 20 * time.Millisecond}
	client := &http.Client{Transport: &httphedge.Transport{Base: srv.Client().Transport, Hedger: h}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body), h.Stats().Hedges)
	// Output: hello 1
}

// RoundTrip sends a POST, which is not safe to send twice, once: it is
// neither hedged nor counted.
func ExampleTransport_RoundTrip() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Method)
	}))
	defer srv.Close()
	h := &cancel.Hedger{Delay: time.Millisecond}
	t := &httphedge.Transport{Base: srv.Client().Transport, Hedger: h}
	req, _ := http.NewRequest(http.MethodPost, srv.URL, nil)
	resp, err := t.RoundTrip(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body), h.Stats().Calls)
	// Output: POST 0
}
