// Command overload shows what load shedding buys. A server calls a slow
// dependency that serves 8 calls at once, 40 ms each: 200 calls a second.
// A client sends requests at a rising rate, from half that capacity to three
// times it, and gives each request 250 ms. The program runs the ramp twice,
// with the server behind an httplimit.Shedder and without, and prints each
// second's offered load, goodput (requests answered 200 in time), the
// refused requests, the p99 latency of the answered ones and the Shedder's
// limit.
//
// Without the Shedder every request waits in the dependency's queue: past
// capacity the queue grows until most requests wait out the server's 200 ms
// budget for the dependency and get a late 503, and goodput collapses. With
// it the server refuses what it cannot serve soon, with a 503 the client
// gets in a millisecond, and goodput holds near capacity.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/gopatterns/concurrency/pool/limit"
	"github.com/gopatterns/concurrency/ratelimit/httplimit"
)

const (
	slots         = 8                     // calls the dependency serves at once
	service       = 40 * time.Millisecond // each
	capacity      = slots * float64(time.Second/service)
	clientTimeout = 250 * time.Millisecond // what the client waits for an answer
	budget        = 200 * time.Millisecond // what the server gives the dependency
	step          = time.Second            // how long each rate lasts
)

// loads is the ramp, in multiples of the capacity.
var loads = []float64{0.5, 1, 2, 3, 3}

func main() {
	fmt.Printf("dependency: %d calls at once, %v each: capacity %.0f requests/s; server budget %v, client timeout %v\n",
		slots, service, capacity, budget, clientTimeout)
	with := ramp(true)
	without := ramp(false)
	top := slices.Max(loads)
	w, wo := meanAt(top, with), meanAt(top, without)
	fmt.Printf("\nat %.0fx capacity, goodput with the Shedder %.0f/s (%.0f%% of capacity), without it %.0f/s (%.0f%%)\n",
		top, w, 100*w/capacity, wo, 100*wo/capacity)
}

// meanAt is the mean of the goodput of the seconds at the given load.
func meanAt(load float64, goodput []float64) float64 {
	sum, n := 0.0, 0
	for i, l := range loads {
		if l == load {
			sum += goodput[i]
			n++
		}
	}
	return sum / float64(n)
}

// A server is the handler in front of the slow dependency.
type server struct {
	dep *limit.Semaphore // the dependency's slots, FIFO
}

// ServeHTTP calls the dependency, giving up with 503 after the budget,
// before the client stops waiting: the Shedder takes a 503 of the handler
// as a sign of overload and shrinks its limit at once.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), budget)
	defer cancel()
	if err := s.dep.Acquire(ctx, 1); err != nil {
		http.Error(w, "dependency timed out", http.StatusServiceUnavailable)
		return
	}
	defer s.dep.Release(1)
	t := time.NewTimer(service)
	defer t.Stop()
	select {
	case <-t.C:
		fmt.Fprintln(w, "ok")
	case <-ctx.Done():
		http.Error(w, "dependency timed out", http.StatusServiceUnavailable)
	}
}

// A second is what the client saw of the requests it sent in one second.
type second struct {
	sent, ok, refused, failed int
	latency                   []time.Duration // of the requests answered 200 in time
	limit                     int             // the Shedder's limit at the second's end
}

// ramp sends the load ramp to a new server, with or without a Shedder,
// prints a line per second and returns each second's goodput.
func ramp(shed bool) []float64 {
	var lim limit.Adaptive
	var h http.Handler = &server{dep: limit.NewSemaphore(slots)}
	if shed {
		h = (&httplimit.Shedder{Limit: &lim}).Wrap(h)
		fmt.Println("\nwith httplimit.Shedder:")
	} else {
		fmt.Println("\nwithout a Shedder:")
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 1000}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: clientTimeout}

	secs := make([]second, len(loads))
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i, load := range loads {
		// Open loop: requests go out on schedule, whether or not the
		// earlier ones have been answered.
		n := int(load * capacity * step.Seconds())
		for k := range n {
			time.Sleep(time.Until(start.Add(time.Duration(i)*step + time.Duration(k)*step/time.Duration(n))))
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, d := get(client, srv.URL)
				mu.Lock()
				defer mu.Unlock()
				s := &secs[i]
				switch {
				case code == http.StatusOK && d <= clientTimeout:
					s.ok++
					s.latency = append(s.latency, d)
				case code == http.StatusServiceUnavailable && d < budget/2:
					s.refused++ // at once: the dependency did not time out
				default:
					s.failed++
				}
			}()
		}
		secs[i].sent = n
		if shed {
			secs[i].limit = lim.Limit()
		}
	}
	wg.Wait()
	fmt.Println("  second  offered/s  goodput/s  refused/s  failed/s  p99 of 200s  limit")
	goodput := make([]float64, len(loads))
	for i, s := range secs {
		goodput[i] = float64(s.ok) / step.Seconds()
		l := "-"
		if shed {
			l = fmt.Sprint(s.limit)
		}
		fmt.Printf("  %6d  %9.0f  %9.0f  %9.0f  %8.0f  %11s  %5s\n", i+1, float64(s.sent)/step.Seconds(),
			goodput[i], float64(s.refused)/step.Seconds(), float64(s.failed)/step.Seconds(), p99(s.latency), l)
	}
	return goodput
}

// get sends one request and returns its status (0 when it failed or
// timed out) and how long it took.
func get(client *http.Client, url string) (int, time.Duration) {
	start := time.Now()
	resp, err := client.Get(url)
	d := time.Since(start)
	if err != nil {
		var ue interface{ Timeout() bool }
		if !errors.As(err, &ue) || !ue.Timeout() {
			log.Print(err)
		}
		return 0, d
	}
	resp.Body.Close()
	return resp.StatusCode, d
}

func p99(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	slices.Sort(ds)
	return ds[(len(ds)*99+99)/100-1].Round(time.Millisecond).String()
}
