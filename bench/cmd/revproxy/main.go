// Command revproxy is the floor of the load benchmark: a stock
// net/http/httputil.ReverseProxy in front of one upstream, and nothing else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9002", "listen on `HOST:PORT`")
	upstream := flag.String("upstream", "http://127.0.0.1:9001", "upstream base `URL`")
	flag.Parse()

	u, err := url.Parse(*upstream)
	if err != nil || u.Scheme == "" || u.Host == "" {
		fmt.Fprintf(os.Stderr, "revproxy: --upstream %q is not an absolute URL\n", *upstream)
		os.Exit(2)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	// The default transport keeps only 2 idle connections per host, which
	// would make the floor pay for new connections at concurrency 16 and
	// 64. Give it the same pool size as the gateway's upstream client
	// (provider.NewClient: 256 per host) so the comparison is like for like.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 1024
	tr.MaxIdleConnsPerHost = 256
	rp.Transport = tr

	srv := &http.Server{Addr: *addr, Handler: rp, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(os.Stderr, "reverse proxy on http://%s -> %s\n", *addr, u)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "revproxy:", err)
		os.Exit(1)
	}
}
