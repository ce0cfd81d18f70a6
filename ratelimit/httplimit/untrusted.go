package httplimit

import (
	"log"
	"net/http"
	"net/netip"
	"sync"
	"weak"
)

// untrustedLogged holds the Trusted slices, by their first element, whose
// ProxyKeys logged a forwarding header from an untrusted peer. Weak
// pointers: a slice that is gone is not kept alive by having been logged.
var untrustedLogged sync.Map // weak.Pointer[netip.Prefix] -> struct{}

// reportUntrusted tells p.Untrusted, or the log once, that r came from
// the untrusted peer with a forwarding header name, if it carries one.
func (p ProxyKey) reportUntrusted(r *http.Request, peer netip.Addr, name string) {
	if !hasHop(r.Header.Values(name), p.Forwarded) {
		return
	}
	if p.Untrusted != nil {
		p.Untrusted(r)
		return
	}
	var first *netip.Prefix
	if len(p.Trusted) > 0 {
		first = &p.Trusted[0]
	}
	if _, logged := untrustedLogged.LoadOrStore(weak.Make(first), struct{}{}); logged {
		return
	}
	log.Printf("httplimit: ProxyKey: a request from %v carries %s, but %v is not in Trusted %v: "+
		"the header is ignored and the request keyed by %v; if a proxy of yours connects from there, "+
		"add its network to Trusted (logged once)", peer, name, peer, p.Trusted, peer)
}

// hasHop reports whether header lines hold a non-empty list element.
func hasHop(lines []string, quoted bool) bool {
	for range hopsFromRight(lines, quoted) {
		return true
	}
	return false
}
