package httplimit

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the IP address of the peer that sent r, from
// r.RemoteAddr without its port: "192.0.2.1" for "192.0.2.1:4711",
// "2001:db8::1" for "[2001:db8::1]:4711". An IPv4-mapped IPv6 address
// ("::ffff:192.0.2.1", as a dual-stack listener reports IPv4 peers) is
// returned as the IPv4 address, and an IPv6 zone ("%eth0") is dropped, so
// one client always has one spelling. A RemoteAddr that is an address
// without a port is accepted too. ClientIP returns an error when RemoteAddr
// is neither, as on a Unix socket listener.
//
// Behind a reverse proxy the peer is the proxy; see ProxyKey.
func ClientIP(r *http.Request) (string, error) {
	addr, err := peerAddr(r)
	if err != nil {
		return "", err
	}
	return addr.String(), nil
}

// ClientKey is the Limiter's default key: ClientIP's address, where an IPv6
// address is replaced by its /64 network ("2001:db8:1:2::/64"). One IPv6
// client is usually given a whole /64 and can pick any of its 2^64
// addresses, so a key per address would not limit it.
func ClientKey(r *http.Request) (string, error) {
	addr, err := peerAddr(r)
	if err != nil {
		return "", err
	}
	// A parsed IPv4 address is spelled as netip spells it (no leading
	// zeros), so the text before the port is the key, at no allocation;
	// the IPv4-mapped form alone must be rewritten.
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	if addr.Is4() && !strings.Contains(host, ":") {
		return host, nil
	}
	return addrKey(addr), nil
}

// peerAddr parses r.RemoteAddr as ClientIP documents.
func peerAddr(r *http.Request) (netip.Addr, error) {
	addr, err := parseAddr(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("httplimit: RemoteAddr %q is not an IP address with or without a port", r.RemoteAddr)
	}
	return addr, nil
}

// parseAddr parses an IP address with or without a port ("192.0.2.1",
// "192.0.2.1:80", "2001:db8::1", "[2001:db8::1]:80"), unmapped and without
// zone.
func parseAddr(s string) (netip.Addr, error) {
	// With a port first: net/http's RemoteAddr always has one.
	ap, err := netip.ParseAddrPort(s)
	addr := ap.Addr()
	if err != nil {
		if addr, err = netip.ParseAddr(s); err != nil {
			return netip.Addr{}, err
		}
	}
	return addr.Unmap().WithZone(""), nil
}

// addrKey returns the key of a client address: the address itself for
// IPv4, its /64 network for IPv6.
func addrKey(addr netip.Addr) string {
	if addr.Is4() {
		return addr.String()
	}
	p, _ := addr.Prefix(64) // cannot fail for an IPv6 address
	return p.String()
}
