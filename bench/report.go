package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Targets of issue 2, as ratios within one run.
const (
	targetCPURatio   = 0.6                    // passthrough ÷ stock proxy CPU/req, c=16, non-streaming
	targetTTFBAdded  = 300 * time.Microsecond // streaming TTFB added at c=1
	targetRSSMiB     = 50                     // gateway peak RSS at c=64
	targetCrossRatio = 1.5                    // cross-protocol ÷ passthrough CPU/req
)

type cellKey struct {
	name   string
	stream bool
	conc   int
}

// report collects cells (several per key with -rounds) and renders them.
type report struct {
	f       flags
	hz      int64
	hzKnown bool
	started time.Time
	load    string
	order   []cellKey
	cells   map[cellKey][]cell
}

func newReport(f flags, hz int64, hzKnown bool) *report {
	load, _ := os.ReadFile("/proc/loadavg")
	return &report{f: f, hz: hz, hzKnown: hzKnown, started: time.Now(),
		load: strings.TrimSpace(string(load)), cells: make(map[cellKey][]cell)}
}

func (r *report) add(c cell) {
	k := cellKey{c.sc.name, c.sc.stream, c.conc}
	if _, ok := r.cells[k]; !ok {
		r.order = append(r.order, k)
	}
	r.cells[k] = append(r.cells[k], c)
}

// get is the cell for k, the per-field median over rounds; ok is false
// when k was not measured or nothing succeeded.
func (r *report) get(k cellKey) (cell, bool) {
	cs := r.cells[k]
	if len(cs) == 0 {
		return cell{}, false
	}
	out := cs[0]
	out.n, out.errs = 0, 0
	med := func(get func(cell) time.Duration) time.Duration {
		v := make([]time.Duration, 0, len(cs))
		for _, c := range cs {
			if c.n > 0 {
				v = append(v, get(c))
			}
		}
		if len(v) == 0 {
			return 0
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	rps := make([]float64, 0, len(cs))
	for _, c := range cs {
		out.n += c.n
		out.errs += c.errs
		out.peakRSSKiB = max(out.peakRSSKiB, c.peakRSSKiB)
		if c.n > 0 {
			rps = append(rps, c.rps)
		}
		if out.firstErr == nil {
			out.firstErr = c.firstErr
		}
		if out.cpuErr == nil {
			out.cpuErr = c.cpuErr
		}
	}
	if len(rps) > 0 {
		slices.Sort(rps)
		out.rps = rps[len(rps)/2]
	}
	out.p50 = med(func(c cell) time.Duration { return c.p50 })
	out.p99 = med(func(c cell) time.Duration { return c.p99 })
	out.ttfb50 = med(func(c cell) time.Duration { return c.ttfb50 })
	out.ttfb99 = med(func(c cell) time.Duration { return c.ttfb99 })
	out.cpuPerReq = med(func(c cell) time.Duration { return c.cpuPerReq })
	out.fakeCPUPerReq = med(func(c cell) time.Duration { return c.fakeCPUPerReq })
	return out, out.n > 0
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }
func us(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d)/float64(time.Microsecond)) }

func (r *report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Switchboard load benchmark\n\n")
	fmt.Fprintf(&b, "- Command: `go run ./bench %s`\n", strings.Join(os.Args[1:], " "))
	fmt.Fprintf(&b, "- Date: %s\n", r.started.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "- Go: %s (%s/%s)\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "- CPU: %s × %d logical CPUs\n", cpuModel(), runtime.NumCPU())
	fmt.Fprintf(&b, "- Load average at start (/proc/loadavg): %s\n", r.load)
	hz := fmt.Sprintf("%d (from getconf CLK_TCK)", r.hz)
	if !r.hzKnown {
		hz = fmt.Sprintf("%d (assumed: getconf CLK_TCK failed)", r.hz)
	}
	fmt.Fprintf(&b, "- USER_HZ: %s; CPU time resolution is one tick (%s) per reading\n", hz, time.Second/time.Duration(r.hz))
	fmt.Fprintf(&b, "- Per cell: %s warm-up, %s measured, %d round(s) (medians over rounds)\n", r.f.warmup, r.f.duration, r.f.rounds)
	fmt.Fprintf(&b, "- Fake provider: separate process, %d stream chunks, no latency; load generator, fake, proxy and gateway share the machine's CPUs\n", r.f.chunks)
	fmt.Fprintf(&b, "- Gateway: key lookup, routing, metrics, a log line per request and the audit trail in %s mode (SQLite)\n\n", r.f.audit)

	for _, stream := range []bool{false, true} {
		kind := "Non-streaming"
		if stream {
			kind = "Streaming (SSE)"
		}
		fmt.Fprintf(&b, "## %s\n\n", kind)
		b.WriteString("| scenario | c | req/s | p50 ms | p99 ms | TTFB p50 ms | TTFB p99 ms | target CPU µs/req | fake CPU µs/req | target peak RSS MiB | ok | errors |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, k := range r.order {
			if k.stream != stream {
				continue
			}
			c, _ := r.get(k)
			cpu := us(c.cpuPerReq)
			if c.cpuErr != nil || c.n == 0 {
				cpu = "n/a"
			}
			fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %s | %s | %s | %s | %.1f | %d | %d |\n",
				c.sc.title+" ["+c.targetName+"]", k.conc, c.rps, ms(c.p50), ms(c.p99), ms(c.ttfb50), ms(c.ttfb99),
				cpu, us(c.fakeCPUPerReq), float64(c.peakRSSKiB)/1024, c.n, c.errs)
		}
		b.WriteString("\n")
	}
	var errs []string
	for _, k := range r.order {
		if c, _ := r.get(k); c.firstErr != nil {
			errs = append(errs, fmt.Sprintf("- %s stream=%v c=%d: %d errors, first: %v", k.name, k.stream, k.conc, c.errs, c.firstErr))
		}
	}
	if len(errs) > 0 {
		b.WriteString("## Errors\n\n" + strings.Join(errs, "\n") + "\n\n")
	}
	b.WriteString(r.targets())
	return b.String()
}

// targets renders the ratios issue 2 sets targets for.
func (r *report) targets() string {
	var b strings.Builder
	b.WriteString("## Targets (ratios within this run)\n\n| target | measured | goal | verdict |\n|---|---:|---:|---|\n")
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "MISS"
	}
	row := func(name, measured, goal string, ok, known bool) {
		v := verdict(ok)
		if !known {
			measured, v = "not measured", "n/a"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, measured, goal, v)
	}
	ratio := func(num, den cellKey) (float64, string, bool) {
		a, ok1 := r.get(num)
		d, ok2 := r.get(den)
		if !ok1 || !ok2 || a.cpuErr != nil || d.cpuErr != nil || d.cpuPerReq <= 0 {
			return 0, "", false
		}
		x := float64(a.cpuPerReq) / float64(d.cpuPerReq)
		return x, fmt.Sprintf("%.2f (%s µs ÷ %s µs)", x, us(a.cpuPerReq), us(d.cpuPerReq)), true
	}

	x, s, ok := ratio(cellKey{"passthrough", false, 16}, cellKey{"revproxy", false, 16})
	row("passthrough CPU/req ÷ stock ReverseProxy CPU/req, c=16, non-streaming", s, fmt.Sprintf("≤ %.1f", targetCPURatio), x <= targetCPURatio, ok)

	for _, name := range []string{"passthrough", "revproxy"} {
		g, ok1 := r.get(cellKey{name, true, 1})
		d, ok2 := r.get(cellKey{"direct", true, 1})
		added := g.ttfb50 - d.ttfb50
		label := "gateway passthrough"
		goal := fmt.Sprintf("≤ %s", ms(targetTTFBAdded)+" ms")
		if name == "revproxy" {
			label, goal = "stock ReverseProxy (reference)", "—"
		}
		m := fmt.Sprintf("%s ms (%s − %s, p50)", ms(added), ms(g.ttfb50), ms(d.ttfb50))
		if name == "revproxy" {
			if ok1 && ok2 {
				fmt.Fprintf(&b, "| streaming TTFB added at c=1: %s | %s | — | — |\n", label, m)
			}
			continue
		}
		row("streaming TTFB added at c=1: "+label, m, goal, added <= targetTTFBAdded, ok1 && ok2)
	}

	var peak int64
	known := false
	for _, name := range []string{"passthrough", "cross"} {
		for _, stream := range []bool{false, true} {
			if c, ok := r.get(cellKey{name, stream, 64}); ok {
				peak, known = max(peak, c.peakRSSKiB), true
			}
		}
	}
	row("gateway peak RSS at c=64 (max over its c=64 runs)", fmt.Sprintf("%.1f MiB", float64(peak)/1024), fmt.Sprintf("≤ %d MiB", targetRSSMiB), peak <= targetRSSMiB*1024, known)

	for _, stream := range []bool{false, true} {
		kind := "non-streaming"
		if stream {
			kind = "streaming"
		}
		x, s, ok := ratio(cellKey{"cross", stream, 16}, cellKey{"passthrough", stream, 16})
		row("cross-protocol CPU/req ÷ passthrough CPU/req, c=16, "+kind, s, fmt.Sprintf("≤ %.1f", targetCrossRatio), x <= targetCrossRatio, ok)
	}
	b.WriteString("\n")
	return b.String()
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
