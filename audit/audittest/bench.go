package audittest

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard/audit"
)

// Bench measures a store through the group-commit writer: records per
// second, the latency a Write adds, and the writing process's CPU per
// record (for Postgres that is the client's share only; the server's CPU
// is in its own processes). Durable mode runs at concurrency 1, 4 and 64;
// async mode at 1 and 64, where a Write returns once queued and the
// measurement ends after Close has committed everything.
func Bench(b *testing.B, open func(b *testing.B) audit.Store) {
	for _, mode := range []struct {
		name  string
		async bool
		concs []int
	}{{"durable", false, []int{1, 4, 64}}, {"async", true, []int{1, 64}}} {
		for _, conc := range mode.concs {
			b.Run(mode.name+"/concurrency="+strconv.Itoa(conc), func(b *testing.B) {
				benchWrites(b, open(b), mode.async, conc)
			})
		}
	}
}

func benchWrites(b *testing.B, st audit.Store, async bool, conc int) {
	l, err := audit.New(audit.Options{Store: st, Signer: Signer(b), Async: async})
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
	if err := l.Close(); err != nil { // async: commit what is queued
		b.Fatal(err)
	}
	b.StopTimer()
	n := per * conc
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(total.Microseconds())/float64(n), "µs/write")
	b.ReportMetric(float64(cpuMicros()-cpu0)/float64(n), "cpu-µs/write")
}
