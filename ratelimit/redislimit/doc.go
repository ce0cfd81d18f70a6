// Package redislimit limits events per key across every process of a
// service, with token buckets kept in Redis.
//
// An in-process limiter, such as ratelimit.Keyed, multiplies the limit by
// the number of instances of a service. A Limiter keeps one bucket per key
// on a Redis server that every instance uses, so that a client gets one
// budget wherever its requests land. It satisfies httplimit.Store, so that
// the HTTP middleware of package ratelimit/httplimit works on top of it:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	limiter := &httplimit.Limiter{Store: redislimit.New(rdb, 10, 20)}
//	http.ListenAndServe(":8080", limiter.Wrap(handler))
//
// # How it counts
//
// Each call runs one Lua script on one key, in one round trip: the generic
// cell rate algorithm (GCRA), which stores a single time per bucket, the
// theoretical arrival time of the next token, on the server's clock (TIME),
// so the clocks of the clients never matter. The script answers in whole
// microseconds: no floats cross the wire. The emission interval, the time
// one token takes, may be a fraction of a microsecond, and the stored time
// keeps its fraction, so rates above 1,000,000 per second add up exactly;
// the server's clock, and so every Decision, has a resolution of one
// microsecond. The key holds nothing else, and expires (PX, in milliseconds
// rounded up) when its bucket is full again, so idle keys cost no memory.
//
// # Servers
//
// Redis 5 or later, and every version of Valkey, in a 64-bit build (as
// every common one is): scripts that read TIME and then write need effects
// replication, which the script turns on where it is not the only mode
// (Redis 5 and 6). The tests run against Redis 7.0. The script is sent with
// EVALSHA, and with EVAL when the server does not have it (after a restart,
// a failover or SCRIPT FLUSH). Each call names one key, so Redis Cluster
// works without hash tags; see Limiter.SetPrefix to keep related keys
// together.
//
// # When Redis is away
//
// A call fails when Redis cannot decide on it: a network error, a
// timeout, or one of the answers with which a server says it cannot decide
// now. Those are LOADING (a server loading its data after a restart),
// READONLY (a replica: a failover demoted the server, or the client points
// at a replica), MASTERDOWN (a replica that lost its primary, with
// replica-serve-stale-data off), BUSY (a script that runs past
// busy-reply-threshold), CLUSTERDOWN and TRYAGAIN (a cluster failing over
// or resharding) and NOREPLICAS (fewer replicas than min-replicas-to-write).
// Redis before 7 answers READONLY and NOREPLICAS, when the script's write
// meets them, inside an "ERR Error running script" reply: those count too.
// The caller's context ending is no failure, nor are other answers, such as
// WRONGTYPE (a key in use by something else) or NOSCRIPT, which the Limiter
// handles by sending the script.
//
// After a failure a Limiter leaves Redis alone for a cooldown
// (DefaultCooldown, 500 ms): calls fail at once, and then one call probes
// Redis while the others keep failing fast. Each failed call returns an
// error wrapping ErrUnavailable, or, with Limiter.SetFailurePolicy, the
// decision of FailOpen, FailClosed or FailLocal, with Decision.Fallback set.
//
// go-redis retries some of these answers itself before the Limiter sees
// them: LOADING, READONLY, MASTERDOWN, CLUSTERDOWN, TRYAGAIN and NOREPLICAS,
// like network errors, are tried again up to MaxRetries times (3 by
// default), with a backoff between MinRetryBackoff (10 ms) and
// MaxRetryBackoff (1 s); BUSY is not retried. So during a failover the
// call that meets it may take a second or more with the defaults before
// the cooldown starts; MaxRetries: -1 turns the retries off.
//
// The cooldown spares the other calls, but the call that meets the failure,
// and each probe, wait as long as the go-redis client lets them. With the
// client's defaults a call to a server that refuses connections takes about
// 400 ms (five dial attempts, 100 ms apart: DialerRetries and
// DialerRetryTimeout), and one to a host that does not answer at all can
// take DialTimeout (5 s) for each attempt, times MaxRetries+1 (3 retries).
// For a limiter in the path of every request, set the client up to give up
// quickly:
//
//	redis.NewClient(&redis.Options{
//		Addr:                  addr,
//		DialTimeout:           100 * time.Millisecond,
//		DialerRetries:         1,
//		MaxRetries:            1,
//		ReadTimeout:           100 * time.Millisecond,
//		WriteTimeout:          100 * time.Millisecond,
//		PoolTimeout:           100 * time.Millisecond,
//		ContextTimeoutEnabled: true, // a request's deadline bounds its call
//	})
//
// With ContextTimeoutEnabled a call that runs out of its context's time
// returns the context's error, which is the caller's and does not count as
// a failure of Redis: keep ReadTimeout and DialTimeout below the deadlines
// of your requests, so that a dead server shows as a timeout of the client
// and starts the cooldown.
package redislimit
