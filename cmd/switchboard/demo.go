package main

import (
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

//go:embed demo.yaml
var demoYAML []byte

// startFake starts the simulated vendors on a loopback port.
func startFake(log *slog.Logger) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	fake := fakeprovider.New(fakeprovider.Options{Logger: log.With("component", "fakeprovider")})
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// demoConfig is the embedded demo configuration, its vendors at fakeURL
// and its database in dataDir.
func demoConfig(fakeURL, dataDir string, log *slog.Logger) (*config.Config, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	vars := map[string]string{"FAKE_URL": fakeURL, "DATA_DIR": abs}
	cfg, err := config.Parse(demoYAML, func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		return nil, fmt.Errorf("demo configuration: %w", err)
	}
	log.Warn("DEMO MODE: every vendor is SIMULATED by the in-process fake provider; no request leaves this machine",
		"fake_provider", fakeURL, "data", abs)
	return cfg, nil
}

func printDemoTour(w io.Writer, addr string) {
	fmt.Fprintf(w, `
Switchboard demo is running on http://%[1]s (vendors are simulated).
Public demo keys (tenant, role):
  sb-demo-statechat-0001   state/statechat  user
  sb-demo-treasury-0001    treasury         developer
  sb-demo-admin-00000001   state            admin
  sb-demo-auditor-000001   state            auditor
Try:
  curl -s http://%[1]s/v1/models -H 'Authorization: Bearer sb-demo-statechat-0001'
  curl -s http://%[1]s/v1/chat/completions -H 'Authorization: Bearer sb-demo-statechat-0001' \
    -H 'Content-Type: application/json' -d '{"model":"statechat","messages":[{"role":"user","content":"Hello"}]}'
Stop with Ctrl-C.
`, addr)
}
