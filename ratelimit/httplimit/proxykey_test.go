package httplimit

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestProxyKey(t *testing.T) {
	trusted := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("2001:db8:ffff::/48"),
	}
	xff := ProxyKey{Trusted: trusted}
	fwd := ProxyKey{Trusted: trusted, Forwarded: true}
	tests := []struct {
		name   string
		p      ProxyKey
		remote string
		header http.Header
		want   string // "" : an error
	}{
		{"untrusted peer, no header", xff, "192.0.2.1:1", nil, "192.0.2.1"},
		{"untrusted peer spoofs X-Forwarded-For", xff, "192.0.2.1:1",
			http.Header{"X-Forwarded-For": {"198.51.100.7"}}, "192.0.2.1"},
		{"untrusted peer spoofs Forwarded", fwd, "192.0.2.1:1",
			http.Header{"Forwarded": {"for=198.51.100.7"}}, "192.0.2.1"},
		{"untrusted peer sends garbage", xff, "192.0.2.1:1",
			http.Header{"X-Forwarded-For": {"garbage"}}, "192.0.2.1"},
		{"nobody trusted", ProxyKey{}, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"198.51.100.7"}}, "10.0.0.1"},
		{"trusted peer, no header", xff, "10.0.0.1:1", nil, "10.0.0.1"},
		{"trusted peer, one hop", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"198.51.100.7"}}, "198.51.100.7"},
		{"client's own entries left of the real one", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"1.1.1.1, 2.2.2.2, 198.51.100.7"}}, "198.51.100.7"},
		{"chain of trusted proxies", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"1.1.1.1, 198.51.100.7, 10.9.9.9, 10.0.0.2"}}, "198.51.100.7"},
		{"repeated lines join in order", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"1.1.1.1, 198.51.100.7", "10.0.0.2"}}, "198.51.100.7"},
		{"repeated lines, last untrusted wins", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"198.51.100.7", "203.0.113.9"}}, "203.0.113.9"},
		{"empty elements skipped", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {" , 198.51.100.7,, ", ""}}, "198.51.100.7"},
		{"leading comma", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {",198.51.100.7"}}, "198.51.100.7"},
		{"everything trusted: left-most", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"10.1.1.1, 10.0.0.2"}}, "10.1.1.1"},
		{"ports and brackets", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"[2001:db8:1::9]:4711, 10.0.0.2:80"}}, "2001:db8:1::/64"},
		{"brackets without a port", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"[2001:db8:1::9]"}}, "2001:db8:1::/64"},
		{"mapped address unmapped", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"::ffff:198.51.100.7"}}, "198.51.100.7"},
		{"IPv6 proxy, IPv6 client grouped", xff, "[2001:db8:ffff::1]:1",
			http.Header{"X-Forwarded-For": {"2001:db8:1:2:3:4:5:6"}}, "2001:db8:1:2::/64"},
		{"mapped peer trusted as IPv4", xff, "[::ffff:10.0.0.1]:1",
			http.Header{"X-Forwarded-For": {"198.51.100.7"}}, "198.51.100.7"},
		{"garbage from a trusted proxy", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"198.51.100.7, unknown"}}, ""},
		{"garbage left of the client is never read", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"garbage, 198.51.100.7"}}, "198.51.100.7"},
		{"client's unbalanced quote left of the real one", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {`"1.1.1.1, 198.51.100.7`}}, "198.51.100.7"},
		{"X-Forwarded-For has no quoting", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {`"1.1.1.1, 198.51.100.7"`}}, ""},
		{"X-Forwarded-For read, Forwarded ignored", xff, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"198.51.100.7"}, "Forwarded": {"for=203.0.113.9"}}, "198.51.100.7"},
		{"Forwarded read, X-Forwarded-For ignored", fwd, "10.0.0.1:1",
			http.Header{"X-Forwarded-For": {"198.51.100.7"}, "Forwarded": {"for=203.0.113.9"}}, "203.0.113.9"},
		{"X-Forwarded-For absent, Forwarded not read", xff, "10.0.0.1:1",
			http.Header{"Forwarded": {"for=203.0.113.9"}}, "10.0.0.1"},
		{"Forwarded elements and parameters", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for=1.1.1.1, for=198.51.100.7;proto=https;by=10.0.0.2, By=x;For="10.0.0.3:8080"`}}, "198.51.100.7"},
		{"Forwarded quoted IPv6 with port", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for="[2001:db8:1::9]:4711"`}}, "2001:db8:1::/64"},
		{"Forwarded quoted comma", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for=198.51.100.7;ext="a,b\"c"`}}, "198.51.100.7"},
		{"Forwarded: client's unbalanced quote left of the real one", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for="1.1.1.1, for=198.51.100.7`}}, "198.51.100.7"},
		{"Forwarded: client's quoted comma left of the real one", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for="1.1.1.1, for=6.6.6.6", for=198.51.100.7`}}, "198.51.100.7"},
		{"Forwarded quoted, escaped quote and comma", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for=1.1.1.1;ext="\",x", for=198.51.100.7;ext="a\\", for=10.0.0.2`}}, "198.51.100.7"},
		{"Forwarded element starting with a quoted string", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`"a,b";for=198.51.100.7, for=10.0.0.2`}}, "198.51.100.7"},
		{"Forwarded: backslashes outside quotes escape nothing", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for=1.1.1.1, for=198.51.100.7;ext=\\"a,b", for=10.0.0.2`}}, "198.51.100.7"},
		{"Forwarded quoted, escaped", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for="198.51.100.\7"`}}, "198.51.100.7"},
		{"Forwarded lone quote", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {`for="`}}, ""},
		{"Forwarded repeated lines", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {"for=198.51.100.7", "for=10.0.0.2"}}, "198.51.100.7"},
		{"Forwarded unknown", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {"for=unknown"}}, ""},
		{"Forwarded obfuscated", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {"for=_hidden"}}, ""},
		{"Forwarded element without for", fwd, "10.0.0.1:1",
			http.Header{"Forwarded": {"proto=https"}}, ""},
		{"bad RemoteAddr", xff, "@", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.header {
				r.Header[k] = v
			}
			got, err := tt.p.Key(r)
			if got != tt.want || (err != nil) != (tt.want == "") {
				t.Errorf("Key(RemoteAddr %q, %v) = %q, %v; want %q", tt.remote, tt.header, got, err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "httplimit: ") {
				t.Errorf("error %q without the package prefix", err)
			}
		})
	}
}

// unquote returns a quoted string's content, the empty one's too, and
// other text as it is.
func TestUnquote(t *testing.T) {
	for s, want := range map[string]string{
		`""`:       "",
		`"a"`:      "a",
		`"\\a\"b"`: `\a"b`,
		`"`:        `"`,
		`a`:        "a",
		``:         "",
	} {
		if got := unquote(s); got != want {
			t.Errorf("unquote(%s) = %s, want %s", s, got, want)
		}
	}
}

func TestProxyKeyClientIP(t *testing.T) {
	p := ProxyKey{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.1:1"
	r.Header.Set("X-Forwarded-For", "2001:db8:1:2:3:4:5:6")
	if got, err := p.ClientIP(r); got != "2001:db8:1:2:3:4:5:6" || err != nil {
		t.Errorf("ClientIP = %q, %v; want the whole IPv6 address", got, err)
	}
	r.Header.Set("X-Forwarded-For", "unknown")
	if got, err := p.ClientIP(r); err == nil {
		t.Errorf("ClientIP = %q, want an error for the hop \"unknown\"", got)
	}
}

// A Limiter keyed by a ProxyKey gives a spoofing client one bucket however
// many addresses it forges, and gives clients behind a trusted proxy a bucket
// each.
func TestProxyKeyLimiter(t *testing.T) {
	var keys []string
	l := &Limiter{
		Store: answer(allowed, nil, &keys, nil),
		Key:   ProxyKey{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}.Key,
	}
	h := l.Wrap(&served{})
	send := func(remote, xff string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	send("192.0.2.1:1000", "1.1.1.1")
	send("192.0.2.1:1001", "2.2.2.2")
	send("10.0.0.1:1002", "198.51.100.7")
	send("10.0.0.1:1003", "6.6.6.6, 203.0.113.9")
	want := []string{"192.0.2.1", "192.0.2.1", "198.51.100.7", "203.0.113.9"}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("keys %q, want %q", keys, want)
	}
}

// A prefix in Trusted that can match no address is an error on every
// request, trusted peer or not, not a proxy silently left untrusted.
func TestProxyKeyBadTrusted(t *testing.T) {
	good := netip.MustParsePrefix("10.0.0.0/8")
	for _, bad := range []netip.Prefix{{}, netip.MustParsePrefix("::ffff:10.0.0.0/104")} {
		p := ProxyKey{Trusted: []netip.Prefix{good, bad}}
		for _, remote := range []string{"10.0.0.1:1", "192.0.2.1:1"} {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = remote
			r.Header.Set("X-Forwarded-For", "198.51.100.7")
			if key, err := p.Key(r); err == nil || !strings.HasPrefix(err.Error(), "httplimit: ProxyKey.Trusted") {
				t.Errorf("Trusted %v, peer %s: Key = %q, %v; want an error naming Trusted", p.Trusted, remote, key, err)
			}
			if ip, err := p.ClientIP(r); err == nil {
				t.Errorf("Trusted %v, peer %s: ClientIP = %q, want an error", p.Trusted, remote, ip)
			}
		}
	}
}

// Through trusted proxies, Key allocates only the key it returns: the
// header's list is not copied, and a hop without a port is not first
// parsed, at the cost of an error value, as one with a port.
func TestProxyKeyAllocations(t *testing.T) {
	p := ProxyKey{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.1:4711"
	r.Header.Set("X-Forwarded-For", "1.1.1.1, 198.51.100.7, 10.0.0.9, 10.0.0.2:80")
	if n := testing.AllocsPerRun(100, func() { p.Key(r) }); n != 1 {
		t.Errorf("Key made %v allocations, want 1", n)
	}
}
