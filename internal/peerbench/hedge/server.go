package main

import (
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"
)

// model is the latency of the simulated replica: lognormal with the given
// mean and standard deviation, and a fraction Slow of requests SlowFactor
// times slower. Every request the server receives draws its own latency, so
// that a hedge of a slow request is usually fast: the draw depends only on
// the seed, the request's id and how many copies of it came before, which
// gives every row of the benchmark the same latencies for the same requests.
type model struct {
	Seed       uint64
	Mean, SD   time.Duration
	Slow       float64 // fraction of requests that are slow
	SlowFactor float64
	AllSlow    bool // every request is slow
}

// defaultModel is the workload of bhope/hedge's published simulation.
func defaultModel(seed uint64) model {
	return model{Seed: seed, Mean: 5 * time.Millisecond, SD: 2 * time.Millisecond, Slow: 0.05, SlowFactor: 10}
}

// latency returns the latency of copy attempt (0 for the first) of request id.
func (m model) latency(id, attempt uint64) time.Duration {
	mean, sd := float64(m.Mean), float64(m.SD)
	s2 := math.Log1p(sd * sd / (mean * mean))
	mu := math.Log(mean) - s2/2
	x := splitmix(m.Seed ^ splitmix(id<<8|attempt&0xff))
	u1, x := unit(x)
	u2, x := unit(x)
	u3, _ := unit(x)
	z := math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
	d := math.Exp(mu + math.Sqrt(s2)*z)
	if m.AllSlow || u3 < m.Slow {
		d *= m.SlowFactor
	}
	return time.Duration(d)
}

// splitmix is the finaliser of SplitMix64: a bijection that scatters
// neighbouring inputs.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// unit returns a uniform number in (0, 1) from x, and the next state.
func unit(x uint64) (float64, uint64) {
	return (float64(x>>11) + 0.5) / (1 << 53), splitmix(x)
}

// replica is an HTTP server on 127.0.0.1 that answers GET /?id=N after the
// model's latency for that request, or stops at once when the request is
// cancelled. It counts the requests it started.
type replica struct {
	*httptest.Server
	model     model
	copies    []atomic.Uint32 // per id, copies received so far
	started   atomic.Int64
	cancelled atomic.Int64
	conns     atomic.Int64 // connections accepted
}

// body is what every request gets; the client checks it arrived whole.
const body = "ok: the replica's answer\n"

func newReplica(m model, n int) *replica {
	r := &replica{model: m, copies: make([]atomic.Uint32, n)}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.conns.Add(1)
		}
	}
	r.Start()
	return r
}

func (r *replica) serve(w http.ResponseWriter, req *http.Request) {
	id, err := strconv.ParseUint(req.URL.Query().Get("id"), 10, 64)
	if err != nil || id >= uint64(len(r.copies)) {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	r.started.Add(1)
	attempt := uint64(r.copies[id].Add(1) - 1)
	t := time.NewTimer(r.model.latency(id, attempt))
	defer t.Stop()
	select {
	case <-t.C:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write([]byte(body))
	case <-req.Context().Done():
		r.cancelled.Add(1)
	}
}
