package httplimit

import (
	"fmt"
	"iter"
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
// that peer is the client and the headers are ignored, forged or not (see
// Untrusted for how this shows).
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
// skipped. ProxyKey reads the list from its right end and stops at the
// client, so nothing a client wrote to the left of its own address, an
// unbalanced quote included, changes which address that is or makes Key
// fail. X-Forwarded-For has no quoting; in Forwarded a comma inside a
// quoted string does not split. ProxyKey reads exactly one header,
// X-Forwarded-For by default or Forwarded (RFC 7239) when the Forwarded
// field is set, and ignores the other entirely even when both come: a
// header that your proxies do not maintain is whatever the client wrote in
// it. Set Forwarded only if every proxy in Trusted appends to Forwarded.
//
// Addresses are read as ClientIP reads RemoteAddr: a port is allowed and
// dropped, IPv4-mapped addresses are unmapped, zones dropped. Write IPv4
// networks in Trusted in their IPv4 form ("10.0.0.0/8"). A prefix in
// Trusted that could match no address, the zero netip.Prefix (as a failed
// netip.ParsePrefix returns) or an IPv4-mapped one, makes every call of Key
// and ClientIP fail: trusting fewer proxies than meant would give every
// client behind them the proxy's one key.
//
// A ProxyKey is read-only after first use and safe for concurrent use.
type ProxyKey struct {
	// Trusted are the networks of the reverse proxies whose forwarding
	// headers are believed. Empty: none, and the peer is the client.
	//
	// A proxy missing from Trusted fails silently but for Untrusted: its
	// requests are keyed by its own address, so that every client behind
	// it shares one budget. Check the address it connects from as the
	// server sees it: a proxy on the same host may come from ::1 where
	// Trusted says 127.0.0.1/32.
	Trusted []netip.Prefix

	// Untrusted hears of each request that carries the forwarding header
	// ProxyKey reads (one non-empty element at least) from a peer outside
	// Trusted; the header is ignored all the same, and the request is
	// keyed by its peer. A client may write the header itself, but a proxy
	// of yours that Trusted leaves out shows here on every request. It is
	// called in Key's goroutine, before Key returns. If nil, the first
	// such request is logged with the log package's standard logger, once
	// for each Trusted slice (a ProxyKey and its copies share it; every
	// ProxyKey with an empty Trusted shares one line per process).
	Untrusted func(*http.Request)

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
	if err := p.checkTrusted(); err != nil {
		return netip.Addr{}, err
	}
	addr, err := peerAddr(r)
	if err != nil {
		return addr, err
	}
	name := "X-Forwarded-For"
	if p.Forwarded {
		name = "Forwarded"
	}
	if !p.trusts(addr) {
		p.reportUntrusted(r, addr, name)
		return addr, nil
	}
	for hop := range hopsFromRight(r.Header.Values(name), p.Forwarded) {
		text := hop
		if p.Forwarded {
			text = forwardedFor(hop)
		}
		a, err := parseHop(text)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("httplimit: %s from trusted proxy %v names the hop %q, not an IP address", name, addr, hop)
		}
		addr = a
		if !p.trusts(addr) {
			break
		}
	}
	return addr, nil
}

// checkTrusted returns an error if a prefix in Trusted can match no
// address that clientAddr compares with it.
func (p ProxyKey) checkTrusted() error {
	for i, prefix := range p.Trusted {
		switch {
		case !prefix.IsValid():
			return fmt.Errorf("httplimit: ProxyKey.Trusted[%d] is not a valid prefix", i)
		case prefix.Addr().Is4In6():
			return fmt.Errorf("httplimit: ProxyKey.Trusted[%d] is %v, IPv4-mapped: it matches no address; write it as an IPv4 network", i, prefix)
		}
	}
	return nil
}

func (p ProxyKey) trusts(addr netip.Addr) bool {
	for _, prefix := range p.Trusted {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// hopsFromRight yields the non-empty elements of the comma-separated lists
// in header lines, from the last to the first. With quoted, a comma inside
// a quoted string does not split. Read from the right, the elements that
// trusted proxies appended come before anything a client wrote, which
// therefore cannot change how they split.
func hopsFromRight(lines []string, quoted bool) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := len(lines) - 1; i >= 0; i-- {
			line := lines[i]
			for end := len(line); end >= 0; {
				start := lastComma(line[:end], quoted)
				if e := strings.TrimSpace(line[start+1 : end]); e != "" && !yield(e) {
					return
				}
				end = start
			}
		}
	}
}

// lastComma returns the index of the last comma in s, outside quoted
// strings if quoted, or -1. Scanning backwards, a quote opens a quoted
// string, and the next one not escaped by an odd run of backslashes
// closes it.
func lastComma(s string, quoted bool) int {
	inQuotes := false
	for i := len(s) - 1; i >= 0; i-- {
		switch c := s[i]; {
		case quoted && c == '"' && (!inQuotes || backslashesBefore(s, i)%2 == 0):
			inQuotes = !inQuotes
		case c == ',' && !inQuotes:
			return i
		}
	}
	return -1
}

// backslashesBefore returns how many backslashes directly precede s[i].
func backslashesBefore(s string, i int) int {
	n := 0
	for i > 0 && s[i-1] == '\\' {
		n++
		i--
	}
	return n
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
