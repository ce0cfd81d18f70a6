package httplimit

import (
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

// BenchmarkWrap measures what the middleware adds to a request that it
// allows, against the bare handler: ClientKey, Keyed.Take over 1,000
// clients, and SetHeaders.
func BenchmarkWrap(b *testing.B) {
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) })
	limited := (&Limiter{Store: Keyed(ratelimit.NewKeyed[string](1e9, 1_000_000))}).Wrap(next)
	reqs := make([]*http.Request, 1000)
	for i := range reqs {
		reqs[i] = httptest.NewRequest("GET", "/", nil)
		reqs[i].RemoteAddr = "10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256) + ":4711"
	}
	for _, impl := range []struct {
		name string
		h    http.Handler
	}{{"handler", next}, {"httplimit", limited}} {
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
