// Command bench measures the Switchboard gateway as a whole process under
// load, in one run beside two baselines on the same fake provider: a direct
// call to the fake, and a stock net/http/httputil.ReverseProxy in front of
// it (the floor any Go gateway starts from).
//
//	go run ./bench [-duration 5s] [-warmup 1s] [-concurrency 1,16,64] [-rounds 1] [-out FILE]
//
// It builds the switchboard binary and the two helper commands
// (bench/cmd/fake, bench/cmd/revproxy), starts them as child processes on
// 127.0.0.1, and for each scenario and concurrency drives load for a fixed
// time with a keep-alive Go client. It prints a Markdown table and the
// ratios that issue 2 sets targets for, each marked PASS or MISS. The
// in-process benchmarks in profile_test.go are the way to profile the
// gateway's request path (go test -bench . -cpuprofile).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// benchKey is the one gateway key of the benchmark configuration.
const benchKey = "sb-bench-key-00000001"

// gatewayConfig is the gateway's configuration: one provider per upstream
// protocol, all on the fake; %[1]s is the fake's URL, %[2]s the store path,
// %[3]s the key, %[4]s the audit mode. Key lookup, routing and metrics are on, as in production;
// the gateway also logs one line per request (to a file).
const gatewayConfig = `
store: "sqlite:%[2]s"
providers:
  up-openai:    {protocol: openai,    base_url: "%[1]s/v1", api_key: up-key-openai}
  up-anthropic: {protocol: anthropic, base_url: "%[1]s",    api_key: up-key-anthropic}
  up-gemini:    {protocol: gemini,    base_url: "%[1]s",    api_key: up-key-gemini}
vendors:
  openai:    {name: OpenAI}
  anthropic: {name: Anthropic}
  google:    {name: Google}
models:
  m-openai:    {provider: up-openai,    vendor: openai,    upstream: gpt-4.1}
  m-anthropic: {provider: up-anthropic, vendor: anthropic, upstream: claude-sonnet-4-5}
  m-gemini:    {provider: up-gemini,    vendor: google,    upstream: gemini-2.5-flash}
tenants:
  bench: {name: Benchmark}
keys:
  - {key: %[3]s, tenant: bench, name: bench}
audit: {mode: %[4]s}
`

type flags struct {
	duration, warmup time.Duration
	concs            []int
	rounds, chunks   int
	out              string
	keep             bool
	cpuprofile       string
	audit            string
}

func main() {
	err := run()
	stopChildren()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	defer stopChildren() // also on panic
	var f flags
	concList := flag.String("concurrency", "1,16,64", "comma-separated `LIST` of concurrency levels")
	flag.DurationVar(&f.duration, "duration", 5*time.Second, "measured load per scenario and concurrency")
	flag.DurationVar(&f.warmup, "warmup", time.Second, "unmeasured load before each measurement")
	flag.IntVar(&f.rounds, "rounds", 1, "measure each cell this many times (interleaved) and report medians")
	flag.IntVar(&f.chunks, "chunks", 4, "pieces the fake splits a streamed reply into")
	flag.StringVar(&f.out, "out", "", "also write the Markdown report to `FILE`")
	flag.BoolVar(&f.keep, "keep", false, "keep the temporary directory (binaries, config, child logs)")
	flag.StringVar(&f.audit, "audit", "durable", "the gateway's audit `MODE`: durable (each answer waits for its record's commit) or async")
	flag.StringVar(&f.cpuprofile, "cpuprofile", "", "write the gateway's CPU profile over the whole run to `FILE`")
	flag.Parse()
	for s := range strings.SplitSeq(*concList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1024 {
			return fmt.Errorf("-concurrency: %q is not a number from 1 to 1024", s)
		}
		f.concs = append(f.concs, n)
	}
	if f.audit != "durable" && f.audit != "async" {
		return fmt.Errorf("-audit %q: say durable or async", f.audit)
	}
	if f.duration <= 0 || f.rounds < 1 || f.chunks < 1 {
		return errors.New("-duration, -rounds and -chunks must be positive")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "switchboard-bench-")
	if err != nil {
		return err
	}
	if f.keep {
		fmt.Fprintln(os.Stderr, "bench: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	fmt.Fprintln(os.Stderr, "bench: building switchboard, fake and revproxy")
	build := exec.CommandContext(ctx, "go", "build", "-o", tmp+string(filepath.Separator),
		"./cmd/switchboard", "./bench/cmd/fake", "./bench/cmd/revproxy")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}

	fake, rp, gw, err := startAll(ctx, tmp, f)
	if err != nil {
		return err
	}
	hz, hzKnown := clockTicks()

	var scenarios []scenario
	for _, stream := range []bool{false, true} {
		scenarios = append(scenarios,
			scenario{name: "direct", title: "direct to fake", url: fake.url + "/v1/chat/completions", model: "gpt-4.1", key: "up-key-openai", stream: stream, target: fake},
			scenario{name: "revproxy", title: "stock ReverseProxy", url: rp.url + "/v1/chat/completions", model: "gpt-4.1", key: "up-key-openai", stream: stream, target: rp},
			scenario{name: "passthrough", title: "gateway passthrough (OpenAI→OpenAI)", url: gw.url + "/v1/chat/completions", model: "m-openai", key: benchKey, stream: stream, target: gw},
			scenario{name: "cross", title: "gateway cross-protocol (OpenAI→Anthropic)", url: gw.url + "/v1/chat/completions", model: "m-anthropic", key: benchKey, stream: stream, target: gw},
		)
	}

	rep := newReport(f, hz, hzKnown)
	total := len(scenarios) * len(f.concs) * f.rounds
	i := 0
	// Scenarios at one concurrency run next to each other, so that the
	// ratios compare measurements taken seconds apart on a shared machine.
	for _, stream := range []bool{false, true} {
		for _, conc := range f.concs {
			for range f.rounds {
				for _, sc := range scenarios {
					if sc.stream != stream {
						continue
					}
					if err := ctx.Err(); err != nil {
						return err
					}
					i++
					fmt.Fprintf(os.Stderr, "bench: [%d/%d] %s stream=%v c=%d\n", i, total, sc.name, stream, conc)
					c := measure(ctx, sc, fake, conc, f.warmup, f.duration, hz)
					if c.firstErr != nil {
						fmt.Fprintf(os.Stderr, "bench:   %d errors, first: %v\n", c.errs, c.firstErr)
					}
					rep.add(c)
					for _, ch := range []*child{fake, rp, gw} {
						if err := ch.exited(); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	md := rep.markdown()
	fmt.Print(md)
	if f.out != "" {
		if err := os.WriteFile(f.out, []byte(md), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// startAll starts the fake, the stock reverse proxy and the gateway.
func startAll(ctx context.Context, dir string, f flags) (fake, rp, gw *child, err error) {
	addrs := make([]string, 3)
	for i := range addrs {
		if addrs[i], err = freeAddr(); err != nil {
			return nil, nil, nil, err
		}
	}
	bin := func(name string) string { return filepath.Join(dir, name) }
	fake, err = startChild(ctx, "fake", "http://"+addrs[0], "/", filepath.Join(dir, "fake.log"),
		bin("fake"), "--addr", addrs[0], "--chunks", strconv.Itoa(f.chunks))
	if err != nil {
		return nil, nil, nil, err
	}
	rp, err = startChild(ctx, "revproxy", "http://"+addrs[1], "/", filepath.Join(dir, "revproxy.log"),
		bin("revproxy"), "--addr", addrs[1], "--upstream", fake.url)
	if err != nil {
		return nil, nil, nil, err
	}
	cfgPath := filepath.Join(dir, "switchboard.yaml")
	cfg := fmt.Sprintf(gatewayConfig, fake.url, filepath.Join(dir, "switchboard.db"), benchKey, f.audit)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return nil, nil, nil, err
	}
	args := []string{"serve", "--config", cfgPath, "--addr", addrs[2]}
	if f.cpuprofile != "" {
		prof, err := filepath.Abs(f.cpuprofile)
		if err != nil {
			return nil, nil, nil, err
		}
		args = append(args, "--cpuprofile", prof)
	}
	gw, err = startChild(ctx, "gateway", "http://"+addrs[2], "/readyz", filepath.Join(dir, "gateway.log"), bin("switchboard"), args...)
	if err != nil {
		return nil, nil, nil, err
	}
	return fake, rp, gw, nil
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the benchmark inside the switchboard module (go run ./bench)")
	}
	return filepath.Dir(mod), nil
}
