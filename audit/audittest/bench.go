package audittest

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard/audit"
)

// Bench measures a store through the durable group-commit writer:
// records per second sustained with 64 concurrent writers, and the
// latency a durable Write adds at concurrency 1 and 64.
func Bench(b *testing.B, open func(b *testing.B) audit.Store) {
	for _, conc := range []int{1, 4, 64} {
		b.Run("durable/concurrency="+strconv.Itoa(conc), func(b *testing.B) {
			st := open(b)
			l, err := audit.New(audit.Options{Store: st, Signer: Signer(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			ctx := context.Background()
			var mu sync.Mutex
			var total time.Duration
			b.ResetTimer()
			cpu0 := cpuMicros()
			var wg sync.WaitGroup
			per := b.N/conc + 1
			for w := range conc {
				wg.Go(func() {
					var local time.Duration
					for i := range per {
						r := Sample(w*per + i)
						t := time.Now()
						if err := l.Write(ctx, r, nil); err != nil {
							b.Error(err)
							return
						}
						local += time.Since(t)
					}
					mu.Lock()
					total += local
					mu.Unlock()
				})
			}
			wg.Wait()
			b.StopTimer()
			n := per * conc
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(total.Microseconds())/float64(n), "µs/write")
			b.ReportMetric(float64(cpuMicros()-cpu0)/float64(n), "cpu-µs/write")
		})
	}
}
