// Command fake serves the deterministic fake provider (OpenAI, Anthropic and
// Gemini APIs) on one address, as a process of its own so that the load
// benchmark does not count its CPU against the process under test.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9001", "listen on `HOST:PORT`")
	chunks := flag.Int("chunks", 4, "pieces a streamed text reply is split into")
	latency := flag.Duration("latency", 0, "wait before the first byte of every answer")
	delay := flag.Duration("chunk-delay", 0, "wait between streamed chunks")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fake := fakeprovider.New(fakeprovider.Options{NoRecord: true, Chunks: *chunks, Latency: *latency, ChunkDelay: *delay})
	fmt.Fprintf(os.Stderr, "fake provider on http://%s (chunks=%d latency=%s chunk-delay=%s)\n", *addr, *chunks, *latency, *delay)
	if err := fake.ListenAndServe(ctx, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "fake:", err)
		os.Exit(1)
	}
}
