package redisbench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/ratelimit/redislimit"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

func TestMain(m *testing.M) { conctest.Main(m) }

// keys is how many buckets the calls go round: with a burst of 30 or more
// none runs dry in a run of up to 30,000 calls, so every call is allowed and
// writes its bucket, for both libraries alike.
const keys = 1000

// An impl allows one event for a key.
type impl struct {
	name  string
	allow func(ctx context.Context, key string) (bool, error)
}

// impls returns the two limiters on client c, at r per second with bursts
// of r, redis_rate first: it is the baseline of each benchmark. At 100 per
// second a token takes a whole number of microseconds; at 30 it does not,
// and redislimit stores the fraction too.
func impls(c *redis.Client, r int) []impl {
	rr := redis_rate.NewLimiter(c)
	ours := redislimit.New(c, rate.Limit(r), r)
	return []impl{
		{"redis_rate", func(ctx context.Context, key string) (bool, error) {
			res, err := rr.Allow(ctx, key, redis_rate.PerSecond(r))
			return err == nil && res.Allowed > 0, err
		}},
		{"redislimit", ours.Allow},
	}
}

// client returns a client for REDIS_ADDR, or skips b.
func client(b *testing.B) *redis.Client {
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		b.Skip("REDIS_ADDR is not set: start a server (redis-server --port 6390 --save '' --appendonly no) and set it")
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { c.Close() })
	return c
}

// keyNames returns the benchmark's keys, new in each run.
func keyNames(prefix string) []string {
	ks := make([]string, keys)
	run := time.Now().UnixNano()
	for i := range ks {
		ks[i] = fmt.Sprintf("%s:%d:%d", prefix, run, i)
	}
	return ks
}

// BenchmarkSerial makes one call at a time and reports the median and
// 99th-percentile latency, and the server's time per EVALSHA.
func BenchmarkSerial(b *testing.B) {
	c := client(b)
	for _, im := range impls(c, 100) {
		b.Run("impl="+im.name, func(b *testing.B) {
			ks := keyNames(im.name)
			ctx := context.Background()
			lat := make([]time.Duration, 0, 1<<16)
			resetStats(b, c)
			i := 0
			for b.Loop() {
				start := time.Now()
				if ok, err := im.allow(ctx, ks[i%keys]); err != nil || !ok {
					b.Fatalf("Allow = %v, %v", ok, err)
				}
				lat = append(lat, time.Since(start))
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
			b.ReportMetric(serverMicros(b, c), "server-µs/call")
		})
	}
}

// BenchmarkParallel makes calls from GOMAXPROCS×8 goroutines: ns/op is the
// time per call of the whole.
func BenchmarkParallel(b *testing.B) {
	c := client(b)
	for _, im := range impls(c, 100) {
		b.Run("impl="+im.name, func(b *testing.B) {
			ks := keyNames(im.name)
			var next atomic.Int64
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					if _, err := im.allow(ctx, ks[next.Add(1)%keys]); err != nil {
						b.Errorf("Allow = %v", err)
						return
					}
				}
			})
		})
	}
}

// resetStats zeroes the server's command statistics.
func resetStats(b *testing.B, c *redis.Client) {
	if err := c.ConfigResetStat(context.Background()).Err(); err != nil {
		b.Fatalf("CONFIG RESETSTAT: %v", err)
	}
}

// serverMicros returns usec_per_call of EVALSHA from INFO commandstats.
func serverMicros(b *testing.B, c *redis.Client) float64 {
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatalf("INFO commandstats: %v", err)
	}
	for line := range strings.Lines(info) {
		if rest, ok := strings.CutPrefix(line, "cmdstat_evalsha:"); ok {
			for field := range strings.SplitSeq(strings.TrimSpace(rest), ",") {
				if v, ok := strings.CutPrefix(field, "usec_per_call="); ok {
					f, _ := strconv.ParseFloat(v, 64)
					return f
				}
			}
		}
	}
	b.Fatalf("no cmdstat_evalsha in INFO commandstats")
	return 0
}
