module github.com/gopatterns/concurrency/internal/peerbench

go 1.26.0

require (
	github.com/alitto/pond/v2 v2.7.1
	github.com/cristalhq/hedgedhttp v0.9.2
	github.com/destel/rill v0.9.0
	github.com/failsafe-go/failsafe-go v0.9.8
	github.com/go-redis/redis_rate/v10 v10.0.1
	github.com/gopatterns/concurrency v0.0.0
	github.com/gopatterns/concurrency/ratelimit/redislimit v0.0.0-00010101000000-000000000000
	github.com/panjf2000/ants/v2 v2.12.1
	github.com/platinummonkey/go-concurrency-limits v0.8.0
	github.com/redis/go-redis/v9 v9.24.0
	github.com/sourcegraph/conc v0.3.0
	go.uber.org/goleak v1.3.0
	go.uber.org/ratelimit v0.3.1
	golang.org/x/sync v0.25.0
	golang.org/x/time v0.16.0
)

require (
	github.com/benbjohnson/clock v1.3.0 // indirect
	github.com/bits-and-blooms/bitset v1.24.4 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/influxdata/tdigest v0.0.1 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	go.uber.org/multierr v1.9.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/gopatterns/concurrency => ../..

replace github.com/gopatterns/concurrency/ratelimit/redislimit => ../../ratelimit/redislimit
