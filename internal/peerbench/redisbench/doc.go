// Package redisbench compares redislimit with go-redis/redis_rate on the
// same Redis server: latency per call, throughput, and the server's time
// per call.
//
//	REDIS_ADDR=127.0.0.1:6379 go test -run '^$' -bench . -benchmem -count 6
package redisbench
