package httphedge

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/gopatterns/concurrency/cancel"
)

// Transport is an http.RoundTripper that hedges the requests it may send
// twice: when no response has come after the Hedger's delay, it sends the
// request again, and it returns the first success.
//
// Only requests with an idempotent method (RFC 9110: GET, HEAD, OPTIONS,
// TRACE, PUT, DELETE) whose body is nil, http.NoBody or can be made again
// (Request.GetBody) are hedged. Others are sent once through Base, as they
// are, and counted in no statistic of the Hedger; so are requests for a
// protocol upgrade (an Upgrade header, as for WebSocket), whose response
// body is the connection itself.
//
// A response with a status below 500 is a success; a 5xx response or an
// error of Base is a failure, which lets the other copies go on. When every
// copy fails, RoundTrip returns the 5xx response that arrived last, with its
// body readable (the other responses are closed), or, when none came, the
// errors of Base joined. When the request's context ends first, RoundTrip
// returns context.Cause of it.
//
// The body of the response returned stays readable to its end: the context
// of the copy that won ends only when that body is closed or the request's
// context ends. The other copies are cancelled and their bodies closed
// before RoundTrip returns, so no goroutine or connection of theirs
// outlives it. The caller must close the body returned, as with any
// RoundTripper.
//
// The zero Transport hedges through http.DefaultTransport with a Hedger of
// its own with default fields. A Transport is safe for concurrent use by
// multiple goroutines; its fields must not change and it must not be copied
// after first use.
type Transport struct {
	Base   http.RoundTripper // nil: http.DefaultTransport
	Hedger *cancel.Hedger    // nil: the Transport's own, with default fields

	own cancel.Hedger
}

// RoundTrip sends r, hedged when it is safe to send twice; see [Transport].
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if !hedgeable(r) {
		return base.RoundTrip(r)
	}
	h := t.Hedger
	if h == nil {
		h = &t.own
	}
	rt := &roundTrip{base: base, req: r}
	resp, err := cancel.Hedge(r.Context(), h, rt.send)
	return rt.finish(resp, err)
}

// hedgeable reports whether r may be sent more than once.
func hedgeable(r *http.Request) bool {
	switch r.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace,
		http.MethodPut, http.MethodDelete:
	default:
		return false
	}
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	return r.Body == nil || r.Body == http.NoBody || r.GetBody != nil
}

// errLost is the cause with which a copy that lost is cancelled after it
// got a response.
var errLost = errors.New("httphedge: another copy of the request won")

// A roundTrip is one hedged request: the copies report the responses they
// keep to it, so that RoundTrip closes all but the one it returns.
type roundTrip struct {
	base http.RoundTripper
	req  *http.Request

	mu       sync.Mutex
	bodyUsed bool        // the first copy took req.Body
	kept     []*response // responses that outlived their copy's call
	last5xx  *response   // the 5xx response that arrived last
}

// A response is a response with the cancel function of its copy's context.
type response struct {
	resp   *http.Response
	cancel context.CancelCauseFunc
}

// discard closes the response's body and cancels its context.
func (p *response) discard() {
	p.resp.Body.Close()
	p.cancel(errLost)
}
