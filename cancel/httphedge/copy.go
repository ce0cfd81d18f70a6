package httphedge

import (
	"context"
	"errors"
	"io"
	"net/http"
)

// errClosed is the cause with which the context of the response returned
// ends when its body is closed.
var errClosed = errors.New("httphedge: response body closed")

// send sends one copy of the request, as Hedge's function. Its context
// follows hctx, the copy's context in Hedge, only until the response comes:
// then it is detached, so that the race's end does not cut off the body of
// the response RoundTrip returns. The responses kept are closed by finish.
func (rt *roundTrip) send(hctx context.Context) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(rt.req.Context())
	req, err := rt.copyRequest(ctx)
	if err != nil {
		cancel(nil)
		return nil, err
	}
	stop := context.AfterFunc(hctx, func() { cancel(context.Cause(hctx)) })
	resp, err := rt.base.RoundTrip(req)
	if err != nil {
		stop()
		cancel(nil)
		return nil, err
	}
	if !stop() {
		// The race ended while the response came: this copy lost.
		resp.Body.Close()
		cancel(nil)
		return nil, context.Cause(hctx)
	}
	p := &response{resp: resp, cancel: cancel}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if resp.StatusCode >= http.StatusInternalServerError {
		if rt.last5xx != nil {
			rt.last5xx.discard()
		}
		rt.last5xx = p
		return nil, errStatus
	}
	rt.kept = append(rt.kept, p)
	return resp, nil
}

// copyRequest returns the copy of the request to send with ctx: the first
// copy takes the request's body, the others a new one from GetBody.
func (rt *roundTrip) copyRequest(ctx context.Context) (*http.Request, error) {
	rt.mu.Lock()
	first := !rt.bodyUsed
	rt.bodyUsed = true
	rt.mu.Unlock()
	req := rt.req.Clone(ctx)
	if !first && req.Body != nil && req.Body != http.NoBody {
		body, err := rt.req.GetBody()
		if err != nil {
			return nil, err
		}
		req.Body = body
	}
	return req, nil
}

// finish closes every response but the one RoundTrip returns, and makes
// closing that one's body end its context.
func (rt *roundTrip) finish(resp *http.Response, err error) (*http.Response, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if !rt.bodyUsed && rt.req.Body != nil {
		// A RoundTripper closes the request's body, even when it sends none.
		rt.req.Body.Close()
	}
	var won *response
	for _, p := range rt.kept {
		if err == nil && p.resp == resp {
			won = p
		} else {
			p.discard()
		}
	}
	last := rt.last5xx
	switch {
	case won != nil:
		if last != nil {
			last.discard()
		}
	case last != nil && rt.req.Context().Err() == nil:
		won, err = last, nil
	case last != nil:
		last.discard()
	}
	if won == nil {
		return nil, err
	}
	won.resp.Body = &body{ReadCloser: won.resp.Body, cancel: won.cancel}
	return won.resp, nil
}

// errStatus is the failure of a copy whose response was a 5xx. It never
// reaches the caller: when every copy fails and one got a 5xx, the caller
// gets that response.
var errStatus = errors.New("httphedge: 5xx response")

// A body is the body of the response RoundTrip returns: closing it ends
// the context of its request.
type body struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (b *body) Close() error {
	err := b.ReadCloser.Close()
	b.cancel(errClosed)
	return err
}
