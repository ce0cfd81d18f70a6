module github.com/gopatterns/concurrency/examples/redislimit

go 1.26.0

replace (
	github.com/gopatterns/concurrency => ../..
	github.com/gopatterns/concurrency/ratelimit/redislimit => ../../ratelimit/redislimit
)

require (
	github.com/gopatterns/concurrency/ratelimit/redislimit v0.0.0-00010101000000-000000000000
	github.com/redis/go-redis/v9 v9.24.0
	golang.org/x/time v0.16.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/gopatterns/concurrency v0.0.0-00010101000000-000000000000 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
