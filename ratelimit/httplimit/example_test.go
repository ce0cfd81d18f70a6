package httplimit_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
	"github.com/gopatterns/concurrency/ratelimit/httplimit"
)

// A server limits each client to 2 requests a minute; its client's third
// request in a row is refused with Retry-After.
func Example() {
	perClient := ratelimit.NewKeyed[string](rate.Every(30*time.Second), 2)
	perClient.SetMaxKeys(100_000)
	limiter := &httplimit.Limiter{Store: httplimit.Keyed(perClient)}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	})
	srv := httptest.NewServer(limiter.Wrap(hello))
	defer srv.Close()

	for range 3 {
		resp, err := http.Get(srv.URL)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		if retry := resp.Header.Get("Retry-After"); retry != "" {
			fmt.Println(resp.Status, "- Retry-After:", retry)
		} else {
			fmt.Println(resp.Status)
		}
	}
	// Output:
	// 200 OK
	// 200 OK
	// 429 Too Many Requests - Retry-After: 30
}

// Wrap fills in the defaults for the fields left nil; here a health check
// bypasses the limiter and an expensive endpoint costs more.
func ExampleLimiter_Wrap() {
	limiter := &httplimit.Limiter{
		Store: httplimit.Keyed(ratelimit.NewKeyed[string](rate.Every(time.Minute), 10)),
		Skip:  func(r *http.Request) bool { return r.URL.Path == "/healthz" },
		Cost: func(r *http.Request) int {
			if r.URL.Path == "/export" {
				return 5
			}
			return 1
		},
	}
	h := limiter.Wrap(http.NotFoundHandler())
	for _, path := range []string{"/healthz", "/items", "/export", "/export"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-8s %d %s", path, w.Code, w.Header().Get("RateLimit"))))
	}
	// Output:
	// /healthz 404
	// /items   404 "default";r=9;t=60
	// /export  404 "default";r=4;t=360
	// /export  429 "default";r=4;t=60
}

// SetHeaders writes the fields for handlers that decide by themselves, under
// any router.
func ExampleSetHeaders() {
	buckets := ratelimit.NewKeyed[string](rate.Every(time.Minute), 2)
	for range 3 {
		h := http.Header{}
		httplimit.SetHeaders(h, buckets.Take("client", 1))
		fmt.Printf("RateLimit-Policy: %s  RateLimit: %s  Retry-After: %q\n",
			h.Get("RateLimit-Policy"), h.Get("RateLimit"), h.Get("Retry-After"))
	}
	// Output:
	// RateLimit-Policy: "default";q=2;w=120  RateLimit: "default";r=1;t=60  Retry-After: ""
	// RateLimit-Policy: "default";q=2;w=120  RateLimit: "default";r=0;t=120  Retry-After: ""
	// RateLimit-Policy: "default";q=2;w=120  RateLimit: "default";r=0;t=60  Retry-After: "60"
}

// ClientIP drops the port, so that a client on a new connection is still
// the same client, and spells an IPv4 client one way even when a dual-stack
// listener reports it as an IPv4-mapped IPv6 address. A peer that has no IP
// address, as on a Unix socket, is an error.
func ExampleClientIP() {
	for _, remote := range []string{"192.0.2.1:4711", "[::ffff:192.0.2.1]:4712", "[2001:db8:1:2::99]:443", "@"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if ip, err := httplimit.ClientIP(r); err != nil {
			fmt.Println(err)
		} else {
			fmt.Println(ip)
		}
	}
	// Output:
	// 192.0.2.1
	// 192.0.2.1
	// 2001:db8:1:2::99
	// httplimit: RemoteAddr "@" is not an IP address with or without a port
}

// ClientKey, the Limiter's default key, is ClientIP's address for an IPv4
// client and the /64 network for an IPv6 one: the addresses of one /64
// share a bucket, however many of them the client uses.
func ExampleClientKey() {
	for _, remote := range []string{"192.0.2.1:4711", "[2001:db8:1:2::99]:443", "[2001:db8:1:2:aaaa::1]:443", "[2001:db8:1:3::99]:443"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		key, _ := httplimit.ClientKey(r)
		fmt.Println(key)
	}
	// Output:
	// 192.0.2.1
	// 2001:db8:1:2::/64
	// 2001:db8:1:2::/64
	// 2001:db8:1:3::/64
}

// Keyed makes a ratelimit.Keyed the Store of a Limiter: one bucket per key
// in this process.
func ExampleKeyed() {
	perUser := ratelimit.NewKeyed[string](rate.Every(time.Minute), 1)
	limiter := &httplimit.Limiter{
		Store: httplimit.Keyed(perUser),
		Key: func(r *http.Request) (string, error) {
			if user, _, ok := r.BasicAuth(); ok {
				return "user:" + user, nil
			}
			return httplimit.ClientKey(r)
		},
	}
	h := limiter.Wrap(http.NotFoundHandler())
	for _, user := range []string{"ann", "bob", "ann"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetBasicAuth(user, "secret")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(user, w.Code)
	}
	// Output:
	// ann 404
	// bob 404
	// ann 429
}

// Behind a load balancer in 10.0.0.0/8, ProxyKey believes X-Forwarded-For
// from the balancer only, and takes the right-most address it did not add
// itself: entries a client wrote to the left are ignored.
func ExampleProxyKey() {
	p := httplimit.ProxyKey{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, req := range []struct{ peer, xff string }{
		{"10.0.0.5:3000", "198.51.100.7"},           // through the balancer
		{"10.0.0.5:3000", "1.2.3.4, 198.51.100.7"},  // the client forged 1.2.3.4
		{"10.0.0.5:3000", "198.51.100.7, 10.0.0.9"}, // through two proxies
		{"203.0.113.8:3000", "198.51.100.7"},        // not through the balancer
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = req.peer
		r.Header.Set("X-Forwarded-For", req.xff)
		key, _ := p.Key(r)
		fmt.Println(key)
	}
	// Output:
	// 198.51.100.7
	// 198.51.100.7
	// 198.51.100.7
	// 203.0.113.8
}

// A proxy on the same host connects over IPv6 (::1) while Trusted names
// 127.0.0.1 only: its X-Forwarded-For is ignored, and every client behind
// it would share one key. Untrusted makes the mistake visible.
func ExampleProxyKey_untrusted() {
	p := httplimit.ProxyKey{
		Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Untrusted: func(r *http.Request) {
			fmt.Printf("X-Forwarded-For from untrusted peer %s\n", r.RemoteAddr)
		},
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[::1]:50000"
	r.Header.Set("X-Forwarded-For", "198.51.100.7")
	key, _ := p.Key(r)
	fmt.Println(key)
	// Output:
	// X-Forwarded-For from untrusted peer [::1]:50000
	// ::/64
}

// Behind proxies that append to the Forwarded header (RFC 7239), Key reads
// its "for" parameters instead of X-Forwarded-For, and groups an IPv6
// client by /64 as ClientKey does.
func ExampleProxyKey_Key() {
	p := httplimit.ProxyKey{
		Trusted:   []netip.Prefix{netip.MustParsePrefix("2001:db8:ffff::/48")},
		Forwarded: true,
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[2001:db8:ffff::1]:3000"
	r.Header.Set("Forwarded", `for=192.0.2.1, for="[2001:db8:1:2::99]:4711";proto=https`)
	r.Header.Set("X-Forwarded-For", "203.0.113.8") // not read
	key, err := p.Key(r)
	fmt.Println(key, err)
	// Output: 2001:db8:1:2::/64 <nil>
}

// ClientIP is the whole address that Key groups, for an access log; a hop
// that a trusted proxy reports but that is no address is an error, never
// the proxy's own address.
func ExampleProxyKey_ClientIP() {
	p := httplimit.ProxyKey{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, xff := range []string{"2001:db8:1:2::99", "2001:db8:1:2::99, unknown"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.5:3000"
		r.Header.Set("X-Forwarded-For", xff)
		ip, err := p.ClientIP(r)
		fmt.Printf("%q %v\n", ip, err)
	}
	// Output:
	// "2001:db8:1:2::99" <nil>
	// "" httplimit: X-Forwarded-For from trusted proxy 10.0.0.5 names the hop "unknown", not an IP address
}

// For clients that read the older X-RateLimit fields, Headers adds them
// beside the standard ones, saying here that X-RateLimit-Reset is a number
// of seconds.
func ExampleLimiter_xRateLimit() {
	limiter := &httplimit.Limiter{
		Store: httplimit.Keyed(ratelimit.NewKeyed[string](rate.Every(time.Minute), 5)),
		Headers: func(h http.Header, d ratelimit.Decision) {
			httplimit.SetHeaders(h, d)
			if d.Limit == rate.Inf {
				return
			}
			reset := (d.ResetAfter + time.Second - 1) / time.Second
			h.Set("X-RateLimit-Limit", strconv.Itoa(d.Burst))
			h.Set("X-RateLimit-Remaining", strconv.Itoa(d.Remaining))
			h.Set("X-RateLimit-Reset", strconv.FormatInt(int64(reset), 10))
		},
	}
	w := httptest.NewRecorder()
	limiter.Wrap(http.NotFoundHandler()).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	for _, name := range []string{"RateLimit", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		fmt.Printf("%s: %s\n", name, w.Header().Get(name))
	}
	// Output:
	// RateLimit: "default";r=4;t=60
	// X-RateLimit-Limit: 5
	// X-RateLimit-Remaining: 4
	// X-RateLimit-Reset: 60
}
