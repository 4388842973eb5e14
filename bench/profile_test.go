package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// The benchmarks below run the same requests as `go run ./bench`, but in one
// process, so that `go test -bench . -cpuprofile` profiles the gateway's
// request path. Each sends requests one at a time over loopback TCP from a
// keep-alive client; the fake provider runs in the same process, so ns/op,
// B/op and allocs/op include the client's and the fake's share:
// BenchmarkDirect is that share, and the difference to it is the cost of
// the extra hop (BenchmarkReverseProxy) or of the gateway.
//
//	go test ./bench -run '^$' -bench . -benchmem -cpuprofile /tmp/cpu.out
//	go tool pprof -top -focus 'switchboard/(proxy|provider|protocol|sse|llm)' bench.test /tmp/cpu.out

// benchEnv is a fake provider, a stock reverse proxy and a gateway, each on
// its own httptest.Server.
type benchEnv struct {
	fake, rp, gw *httptest.Server
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	fake := httptest.NewServer(fakeprovider.New(fakeprovider.Options{NoRecord: true}))
	b.Cleanup(fake.Close)

	u, _ := url.Parse(fake.URL)
	rp := httputil.NewSingleHostReverseProxy(u)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	rp.Transport = tr
	rps := httptest.NewServer(rp)
	b.Cleanup(rps.Close)

	raw := fmt.Sprintf(gatewayConfig, fake.URL, filepath.Join(b.TempDir(), "sb.db"), benchKey, "durable")
	cfg, err := config.Parse([]byte(raw), func(string) (string, bool) { return "", false })
	if err != nil {
		b.Fatal(err)
	}
	// Log one line per request, as `switchboard serve` does, but to nowhere.
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	g, err := gateway.New(context.Background(), cfg, gateway.Options{Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { g.Close() })
	gw := httptest.NewServer(g.Handler())
	b.Cleanup(gw.Close)
	return &benchEnv{fake: fake, rp: rps, gw: gw}
}

// runScenario sends sc's request b.N times from workers goroutines,
// checking every answer. With 16 workers, as in the whole-process
// benchmark's concurrency-16 cells, a profile shows the batching and
// contention of that load.
func runScenario(b *testing.B, sc scenario, workers int) {
	cl := newClient(workers)
	defer cl.CloseIdleConnections()
	body := chatBody(sc.model, sc.stream)
	send := func(buf *bytes.Buffer) bool {
		if _, err := once(context.Background(), cl, sc, body, buf); err != nil {
			b.Error(err)
			return false
		}
		return true
	}
	// One request outside the timer opens the connections.
	var buf bytes.Buffer
	if !send(&buf) {
		return
	}
	b.ReportAllocs()
	if workers == 1 {
		b.ResetTimer()
		for b.Loop() {
			if !send(&buf) {
				return
			}
		}
		return
	}
	b.SetParallelism((workers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var buf bytes.Buffer
		for pb.Next() && send(&buf) {
		}
	})
}

func benchBoth(b *testing.B, sc func(e *benchEnv) scenario) {
	e := newBenchEnv(b)
	for _, stream := range []bool{false, true} {
		name := "nonstream"
		if stream {
			name = "stream"
		}
		b.Run(name, func(b *testing.B) {
			s := sc(e)
			s.stream = stream
			runScenario(b, s, 1)
		})
		b.Run(name+"-c16", func(b *testing.B) {
			s := sc(e)
			s.stream = stream
			runScenario(b, s, 16)
		})
	}
}

// BenchmarkDirect is the client and the fake alone: the share of every
// other benchmark that is not the proxy's.
func BenchmarkDirect(b *testing.B) {
	benchBoth(b, func(e *benchEnv) scenario {
		return scenario{name: "direct", url: e.fake.URL + "/v1/chat/completions", model: "gpt-4.1", key: "up-key-openai"}
	})
}

// BenchmarkReverseProxy adds a stock httputil.ReverseProxy hop: the floor.
func BenchmarkReverseProxy(b *testing.B) {
	benchBoth(b, func(e *benchEnv) scenario {
		return scenario{name: "revproxy", url: e.rp.URL + "/v1/chat/completions", model: "gpt-4.1", key: "up-key-openai"}
	})
}

// BenchmarkGatewayPassthrough is OpenAI client → gateway → OpenAI upstream:
// key lookup, routing, metrics, request log, bytes passed through with the
// model patched.
func BenchmarkGatewayPassthrough(b *testing.B) {
	benchBoth(b, func(e *benchEnv) scenario {
		return scenario{name: "passthrough", url: e.gw.URL + "/v1/chat/completions", model: "m-openai", key: benchKey}
	})
}

// BenchmarkGatewayCrossProtocol is OpenAI client → gateway → Anthropic
// upstream: the request and the answer translated through the canonical
// model.
func BenchmarkGatewayCrossProtocol(b *testing.B) {
	benchBoth(b, func(e *benchEnv) scenario {
		return scenario{name: "cross", url: e.gw.URL + "/v1/chat/completions", model: "m-anthropic", key: benchKey}
	})
}
