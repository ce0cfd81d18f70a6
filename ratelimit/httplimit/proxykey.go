package httplimit

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// A ProxyKey finds the client of a request that came through reverse
// proxies, trusting what the proxies in Trusted report and nothing else.
// Its Key method is a Limiter's Key:
//
//	limiter := &httplimit.Limiter{
//		Store: store,
//		Key:   httplimit.ProxyKey{Trusted: proxies}.Key,
//	}
//
// A proxy appends the address of the peer it received a request from to
// X-Forwarded-For (or adds a Forwarded element naming it), after whatever
// the request already carried, which anyone could have written. So
// ProxyKey starts from the peer of the connection: if it is not in Trusted,
// that peer is the client and the headers are ignored, forged or not.
// Otherwise ProxyKey reads the header's addresses from right to left,
// skipping those in Trusted, and the first address outside Trusted is the
// client: the one that the outermost trusted proxy saw. If every address is
// in Trusted, the client is the left-most one; if the header is absent or
// empty, it is the peer. Reaching a hop that is not an IP address (a
// Forwarded "unknown" or obfuscated node, or garbage that a trusted proxy
// passed on) is an error.
//
// Header lines. Several lines of the header are one list, joined in the
// order they arrived (RFC 9110, section 5.3), and empty list elements are
// skipped. ProxyKey reads exactly one header, X-Forwarded-For by default or
// Forwarded (RFC 7239) when the Forwarded field is set, and ignores the
// other entirely even when both come: a header that your proxies do not
// maintain is whatever the client wrote in it. Set Forwarded only if every
// proxy in Trusted appends to Forwarded.
//
// Addresses are read as ClientIP reads RemoteAddr: a port is allowed and
// dropped, IPv4-mapped addresses are unmapped, zones dropped. Write IPv4
// networks in Trusted in their IPv4 form ("10.0.0.0/8").
//
// A ProxyKey is read-only after first use and safe for concurrent use.
type ProxyKey struct {
	// Trusted are the networks of the reverse proxies whose forwarding
	// headers are believed. Empty: none, and the peer is the client.
	Trusted []netip.Prefix

	// Forwarded makes ProxyKey read the Forwarded header's "for"
	// parameters instead of X-Forwarded-For.
	Forwarded bool
}

// Key returns the key of r's client (see ProxyKey) as ClientKey spells it:
// an IPv4 address, or the /64 network of an IPv6 address.
func (p ProxyKey) Key(r *http.Request) (string, error) {
	addr, err := p.clientAddr(r)
	if err != nil {
		return "", err
	}
	return addrKey(addr), nil
}

// ClientIP returns the IP address of r's client, as ProxyKey finds it.
func (p ProxyKey) ClientIP(r *http.Request) (string, error) {
	addr, err := p.clientAddr(r)
	if err != nil {
		return "", err
	}
	return addr.String(), nil
}

func (p ProxyKey) clientAddr(r *http.Request) (netip.Addr, error) {
	addr, err := peerAddr(r)
	if err != nil || !p.trusts(addr) {
		return addr, err
	}
	name := "X-Forwarded-For"
	if p.Forwarded {
		name = "Forwarded"
	}
	hops := listElements(r.Header.Values(name))
	for i := len(hops) - 1; i >= 0; i-- {
		hop := hops[i]
		if p.Forwarded {
			hop = forwardedFor(hop)
		}
		a, err := parseHop(hop)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("httplimit: %s from trusted proxy %v names the hop %q, not an IP address", name, addr, hops[i])
		}
		addr = a
		if !p.trusts(addr) {
			break
		}
	}
	return addr, nil
}

func (p ProxyKey) trusts(addr netip.Addr) bool {
	for _, prefix := range p.Trusted {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// listElements splits header lines into the non-empty elements of their
// comma-separated lists, in order. Commas inside quoted strings do not
// split.
func listElements(lines []string) []string {
	var out []string
	for _, line := range lines {
		for _, e := range splitUnquoted(line, ',') {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// forwardedFor returns the unquoted value of the "for" parameter of a
// Forwarded element, or "" if it has none.
func forwardedFor(element string) string {
	for _, pair := range splitUnquoted(element, ';') {
		k, v, ok := strings.Cut(pair, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
			return unquote(strings.TrimSpace(v))
		}
	}
	return ""
}

// parseHop parses an address from a forwarding header: an IP address with
// or without a port, IPv6 in brackets when a port follows ("[2001:db8::1]"
// is accepted without one too).
func parseHop(s string) (netip.Addr, error) {
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	return parseAddr(s)
}

// splitUnquoted splits s at each sep outside a quoted string; a backslash
// inside a quoted string escapes the next byte.
func splitUnquoted(s string, sep byte) []string {
	var out []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case !quoted && c == sep:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// unquote returns the content of a quoted string, escapes resolved, or s
// itself if it is not quoted.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '\\' && i+1 < len(s)-1 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
