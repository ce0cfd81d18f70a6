package httplimit

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// proxied returns a request from remote carrying header: value.
func proxied(remote, header, value string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = remote
	if header != "" {
		r.Header.Set(header, value)
	}
	return r
}

// TestProxyKeyUntrusted: Trusted says 127.0.0.1/32, but the proxy on the
// same host connects over [::1]. Every request is keyed by ::1, and
// Untrusted hears of each one that carries X-Forwarded-For, and only of
// those.
func TestProxyKeyUntrusted(t *testing.T) {
	var heard []string
	p := ProxyKey{
		Trusted:   []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Untrusted: func(r *http.Request) { heard = append(heard, r.Header.Get("X-Forwarded-For")) },
	}
	for _, r := range []*http.Request{
		proxied("[::1]:50000", "X-Forwarded-For", "198.51.100.7"),
		proxied("[::1]:50001", "X-Forwarded-For", "203.0.113.9"),
		proxied("[::1]:50002", "", ""),
		proxied("[::1]:50003", "X-Forwarded-For", " , "),
		proxied("[::1]:50004", "Forwarded", "for=198.51.100.7"), // a header p does not read
		proxied("127.0.0.1:50005", "X-Forwarded-For", "198.51.100.7"),
	} {
		p.Key(r)
	}
	if len(heard) != 2 || heard[0] != "198.51.100.7" || heard[1] != "203.0.113.9" {
		t.Errorf("Untrusted heard %q, want the two requests from ::1 with X-Forwarded-For", heard)
	}
	if key, err := p.Key(proxied("[::1]:50006", "X-Forwarded-For", "198.51.100.7")); key != "::/64" || err != nil {
		t.Errorf("Key = %q, %v; want the peer's ::/64", key, err)
	}
	fwd := ProxyKey{Forwarded: true, Untrusted: func(*http.Request) { heard = append(heard, "Forwarded") }}
	fwd.Key(proxied("192.0.2.1:1", "X-Forwarded-For", "198.51.100.7"))
	fwd.Key(proxied("192.0.2.1:1", "Forwarded", "for=198.51.100.7"))
	if len(heard) != 4 {
		t.Errorf("Untrusted of a Forwarded ProxyKey heard %d requests, want 1, for Forwarded", len(heard)-3)
	}
}

// TestProxyKeyUntrustedLog: with no Untrusted, the first such request is
// logged, once for each Trusted slice.
func TestProxyKeyUntrustedLog(t *testing.T) {
	buf := captureLog(t)
	p := ProxyKey{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	copied := p
	for _, k := range []ProxyKey{p, p, copied} {
		k.Key(proxied("[::1]:50000", "X-Forwarded-For", "198.51.100.7"))
		k.ClientIP(proxied("[::1]:50000", "X-Forwarded-For", "198.51.100.7"))
	}
	got := buf.String()
	if strings.Count(got, "\n") != 1 || !strings.Contains(got, "::1") || !strings.Contains(got, "X-Forwarded-For") ||
		!strings.Contains(got, "127.0.0.1/32") {
		t.Errorf("log %q, want one line naming ::1, X-Forwarded-For and Trusted", got)
	}
	other := ProxyKey{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	other.Key(proxied("[::1]:50000", "X-Forwarded-For", "198.51.100.7"))
	other.Key(proxied("192.0.2.1:1", "", ""))
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("%d lines after a second ProxyKey's request, want 2", n)
	}
}
