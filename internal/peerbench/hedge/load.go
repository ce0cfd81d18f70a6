package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A row is one way of sending the workload's requests.
type row struct {
	name  string
	kind  string // "none", "peer", "ours", "sweep" or "slow"
	delay time.Duration
	n     int
	model model
	// transport wraps the row's own connection pool. It may be nil: no
	// hedging.
	transport func(base http.RoundTripper) http.RoundTripper
	// note, if not nil, describes the row's state after the run.
	note func() string
}

// A result is what one row measured.
type result struct {
	row                 *row
	lat                 []time.Duration // sorted; one per request that succeeded
	p50, p90, p99, p999 time.Duration
	made, started       int64 // requests made by the client; copies the server started
	cancelled           int64 // copies the server saw cancelled
	conns               int64 // connections the server accepted
	errs                int
	firstErr            error
	wall                time.Duration
	note                string
}

// extra is the fraction of requests sent beyond one per request made.
func (r *result) extra() float64 {
	if r.made == 0 {
		return 0
	}
	return float64(r.started)/float64(r.made) - 1
}

// newBase returns a connection pool for one row: keep-alive connections
// enough for every request in flight and its hedges.
func newBase() *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     10 * time.Minute, // a row waits for the others between its rounds
		DisableCompression:  true,
	}
}

// A runner sends a row's requests to a replica of its own, in chunks, and
// gathers what they measured.
type runner struct {
	rw     *row
	srv    *replica
	base   *http.Transport
	client *http.Client
	lat    []time.Duration // by request id
	ok     []bool          // by request id: the answer arrived whole
	res    *result
}

func newRunner(rw *row) *runner {
	r := &runner{rw: rw, srv: newReplica(rw.model, rw.n), base: newBase(),
		lat: make([]time.Duration, rw.n), ok: make([]bool, rw.n),
		res: &result{row: rw, made: int64(rw.n)}}
	var rt http.RoundTripper = r.base
	if rw.transport != nil {
		rt = rw.transport(r.base)
	}
	r.client = &http.Client{Transport: rt}
	return r
}

// chunk sends the requests with ids in [lo, hi) from conc goroutines, each
// waiting for its answer (the body read to its end) before it sends the
// next.
func (r *runner) chunk(ctx context.Context, lo, hi, conc int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := atomic.Int64{}
	next.Store(int64(lo))
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				id := int(next.Add(1) - 1)
				if id >= hi {
					return
				}
				t0 := time.Now()
				err := get(ctx, r.client, r.srv.URL+"/?id="+strconv.Itoa(id))
				if err != nil {
					mu.Lock()
					if r.res.errs++; r.res.firstErr == nil {
						r.res.firstErr = err
					}
					mu.Unlock()
					continue
				}
				r.lat[id], r.ok[id] = time.Since(t0), true
			}
		})
	}
	wg.Wait()
	r.res.wall += time.Since(start)
}

// finish closes the replica and returns the row's result.
func (r *runner) finish() *result {
	// Close waits for every handler, so that the losers a peer cancels
	// after it returns are counted.
	r.srv.Close()
	r.base.CloseIdleConnections()
	res := r.res
	res.started, res.cancelled, res.conns = r.srv.started.Load(), r.srv.cancelled.Load(), r.srv.conns.Load()
	for i, l := range r.lat {
		if r.ok[i] {
			res.lat = append(res.lat, l)
		}
	}
	res.setQuantiles()
	if r.rw.note != nil {
		res.note = r.rw.note()
	}
	return res
}

// run sends all of a row's requests and returns its result.
func run(ctx context.Context, rw *row, conc int) *result {
	r := newRunner(rw)
	r.chunk(ctx, 0, rw.n, conc)
	return r.finish()
}

// get sends one GET and reads the answer to its end.
func get(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fmt.Errorf("reading the body: %w (%d of %d bytes)", err, len(b), len(body))
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("status %s", resp.Status)
	case string(b) != body:
		return fmt.Errorf("body cut off: %d of %d bytes", len(b), len(body))
	}
	return nil
}
