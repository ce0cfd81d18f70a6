package httplimit

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gopatterns/concurrency/ratelimit"
)

// discard is a ResponseWriter that keeps only its header map, cleared by the
// benchmark before each request.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkWrap measures the middleware on requests it allows from 1,000
// clients, against the least a hand-written one does: the address without
// its port as the key, Keyed.Allow, no headers. The bare handler shows
// what the benchmark itself costs.
func BenchmarkWrap(b *testing.B) {
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) })
	limited := (&Limiter{Store: Keyed(ratelimit.NewKeyed[string](1e9, 1_000_000))}).Wrap(next)
	k := ratelimit.NewKeyed[string](1e9, 1_000_000)
	byHand := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil || !k.Allow(host) {
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
	reqs := make([]*http.Request, 1000)
	for i := range reqs {
		reqs[i] = httptest.NewRequest("GET", "/", nil)
		reqs[i].RemoteAddr = "10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256) + ":4711"
	}
	for _, impl := range []struct {
		name string
		h    http.Handler
	}{{"handler", next}, {"allow", byHand}, {"httplimit", limited}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			w := &discard{h: http.Header{}}
			i := 0
			for b.Loop() {
				clear(w.h)
				impl.h.ServeHTTP(w, reqs[i%len(reqs)])
				i++
			}
		})
	}
}

// BenchmarkSetHeaders measures the fields of one answer.
func BenchmarkSetHeaders(b *testing.B) {
	b.ReportAllocs()
	h := http.Header{}
	d := ratelimit.Decision{Allowed: true, Limit: 10, Burst: 20, Remaining: 7, ResetAfter: 1300e6}
	for b.Loop() {
		SetHeaders(h, d)
	}
}
