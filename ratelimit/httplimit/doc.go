// Package httplimit limits the rate of HTTP requests per client, answering
// 429 Too Many Requests with Retry-After and rate-limit headers, and sheds
// load over an adaptive concurrency limit, answering 503.
//
// A Limiter wraps an http.Handler. For each request it finds a key (by
// default the client's IP address, see ClientKey; behind reverse proxies see
// ProxyKey), takes the request's cost from a Store under that key, and
// either serves the request or refuses it:
//
//	perClient := ratelimit.NewKeyed[string](10, 20) // 10/s, bursts of 20
//	perClient.SetMaxKeys(100_000)
//	limiter := &httplimit.Limiter{Store: httplimit.Keyed(perClient)}
//	http.ListenAndServe(":8080", limiter.Wrap(mux))
//
// A Store is anything that takes tokens per key and reports a
// ratelimit.Decision: a ratelimit.Keyed in this process through Keyed, or a
// limit shared by many processes such as redislimit's.
//
// A Shedder sheds load instead: it serves only as many requests at once as
// an adaptive concurrency limit (a pool/limit Adaptive) allows and answers
// the rest at once with 503 Service Unavailable.
//
// # Failures and hang-ups
//
// When no decision can be had (the key function or the Store failed), the
// request is served without a limit and the error is logged, at most one
// line a second; Limiter.FailClosed answers 503 instead. A Decision that a
// Store's failure policy made (Decision.Fallback) gets no rate-limit
// headers, and a refusal among them gets 503 Service Unavailable, so that
// a client can tell an outage from its own limit. A request whose client
// hung up before its decision came is dropped: it is not served, not
// answered, and not reported, so that hanging up never buys a request
// without a limit.
//
// # Headers
//
// Every request the Store decides on, allowed or refused, gets the
// RateLimit-Policy and RateLimit fields of the IETF httpapi working group's
// draft "RateLimit header fields for HTTP", as of
// draft-ietf-httpapi-ratelimit-headers-10; a refused one also gets
// Retry-After. SetHeaders says how a token bucket maps onto them. The draft
// has changed its fields between versions (up to -06 it defined
// RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset), so clients
// written against another version may read them differently.
//
// The older X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset
// fields are not sent. They were never specified, and services disagree on
// what they mean: X-RateLimit-Reset is a Unix time at some and a number of
// seconds at others, and a client that guesses wrong waits decades or not
// at all. A server whose clients expect them adds them with the Limiter's
// Headers field, where it states which meaning it uses (see the example).
package httplimit
