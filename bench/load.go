package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// scenario is one way of sending the same chat request.
type scenario struct {
	name   string // short id: direct, revproxy, passthrough, cross
	title  string // for the table
	url    string // full URL of the chat endpoint
	model  string
	key    string
	stream bool
	target *child // whose CPU and RSS are measured
}

// chatBody is a small, realistic OpenAI Chat Completions request (~500
// bytes): a system prompt, one user question, sampling settings.
func chatBody(model string, stream bool) []byte {
	s := `{"model":"` + model + `","messages":[` +
		`{"role":"system","content":"You are a helpful assistant for the Department of State travel office. Answer briefly and cite the regulation that applies when you can."},` +
		`{"role":"user","content":"I am travelling to Geneva for a three-day conference next month. Which per diem rate applies, and must I book lodging through the agency travel system or may I book it myself and claim reimbursement?"}],` +
		`"temperature":0.2,"max_tokens":256,"user":"bench-user-0001"`
	if stream {
		s += `,"stream":true,"stream_options":{"include_usage":true}`
	}
	return []byte(s + "}")
}

// sample is one completed request.
type sample struct {
	latency, ttfb time.Duration
}

// loadResult is what one worker pool measured.
type loadResult struct {
	samples  []sample
	errs     int
	firstErr error
	elapsed  time.Duration
}

// newClient is a keep-alive client with room for conc idle connections.
func newClient(conc int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        max(conc, 100) * 2,
		MaxIdleConnsPerHost: max(conc, 100) * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// drive sends sc's request from conc workers, each starting requests until
// d has passed (or ctx ends) and finishing the one in flight. Every loop
// ends by itself: the deadline is checked before each request, and each
// request has the client's 30s timeout.
func drive(ctx context.Context, cl *http.Client, sc scenario, conc int, d time.Duration) loadResult {
	body := chatBody(sc.model, sc.stream)
	start := time.Now()
	deadline := start.Add(d)
	var (
		mu  sync.Mutex
		res loadResult
		wg  sync.WaitGroup
	)
	for range conc {
		wg.Go(func() {
			var (
				local []sample
				errs  int
				first error
				buf   bytes.Buffer
			)
			for ctx.Err() == nil && time.Now().Before(deadline) {
				s, err := once(ctx, cl, sc, body, &buf)
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				local = append(local, s)
			}
			mu.Lock()
			res.samples = append(res.samples, local...)
			res.errs += errs
			if res.firstErr == nil {
				res.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// once sends one request, reads the whole answer and checks that it is a
// complete, successful one.
func once(ctx context.Context, cl *http.Client, sc scenario, body []byte, buf *bytes.Buffer) (sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sc.url, bytes.NewReader(body))
	if err != nil {
		return sample{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+sc.key)
	t0 := time.Now()
	resp, err := cl.Do(req)
	if err != nil {
		return sample{}, err
	}
	defer resp.Body.Close()
	// Time to first byte: until the first byte of the body (for a stream,
	// the first event), not merely the status line.
	var first [1]byte
	n, err := io.ReadFull(resp.Body, first[:])
	ttfb := time.Since(t0)
	if err != nil {
		return sample{}, fmt.Errorf("status %d, reading the first byte: %w", resp.StatusCode, err)
	}
	buf.Reset()
	buf.Write(first[:n])
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return sample{}, fmt.Errorf("status %d, reading the body: %w", resp.StatusCode, err)
	}
	lat := time.Since(t0)
	if resp.StatusCode != http.StatusOK {
		return sample{}, fmt.Errorf("status %d: %.300s", resp.StatusCode, buf.Bytes())
	}
	if err := checkAnswer(buf.Bytes(), sc.stream); err != nil {
		return sample{}, err
	}
	return sample{latency: lat, ttfb: ttfb}, nil
}

// checkAnswer makes sure a 200 carried a whole answer, so that a gateway
// that cut streams short could not look fast.
func checkAnswer(b []byte, stream bool) error {
	if stream {
		if !bytes.Contains(b, []byte(`"finish_reason":"stop"`)) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("data: [DONE]")) {
			return fmt.Errorf("stream is incomplete (no finish_reason stop or no [DONE]): %.300q", b)
		}
		return nil
	}
	if !bytes.Contains(b, []byte(`"choices"`)) || !bytes.Contains(b, []byte(`"usage"`)) {
		return fmt.Errorf("answer has no choices or usage: %.300q", b)
	}
	return nil
}

// percentile is the p-th percentile (0..100, nearest rank) of sorted ds.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// cell is the measurement of one scenario at one concurrency.
type cell struct {
	sc                 scenario
	conc               int
	n, errs            int
	firstErr           error
	rps                float64
	p50, p99           time.Duration
	ttfb50, ttfb99     time.Duration
	cpuPerReq          time.Duration // target process; -1 when not measured
	fakeCPUPerReq      time.Duration
	peakRSSKiB         int64
	cpuErr             error
	targetName, fakeNm string
}

// measure runs a warm-up, then the measured load, reading the target's and
// the fake's CPU time around it and sampling the target's RSS during it.
func measure(ctx context.Context, sc scenario, fake *child, conc int, warm, d time.Duration, hz int64) cell {
	cl := newClient(conc)
	defer cl.CloseIdleConnections()
	if warm > 0 {
		drive(ctx, cl, sc, conc, warm)
	}
	c := cell{sc: sc, conc: conc, targetName: sc.target.name, fakeNm: fake.name}
	tpid, fpid := sc.target.pid(), fake.pid()
	hwm := resetPeakRSS(tpid)
	rss := sampleRSS(tpid, 20*time.Millisecond)
	t0, err1 := cpuTicks(tpid)
	f0, err2 := cpuTicks(fpid)
	res := drive(ctx, cl, sc, conc, d)
	t1, err3 := cpuTicks(tpid)
	f1, err4 := cpuTicks(fpid)
	c.peakRSSKiB = rss.peakKiB(hwm)
	c.cpuErr = errors.Join(err1, err2, err3, err4)

	c.n, c.errs, c.firstErr = len(res.samples), res.errs, res.firstErr
	if c.n == 0 {
		return c
	}
	c.rps = float64(c.n) / res.elapsed.Seconds()
	lat := make([]time.Duration, c.n)
	tt := make([]time.Duration, c.n)
	for i, s := range res.samples {
		lat[i], tt[i] = s.latency, s.ttfb
	}
	slices.Sort(lat)
	slices.Sort(tt)
	c.p50, c.p99 = percentile(lat, 50), percentile(lat, 99)
	c.ttfb50, c.ttfb99 = percentile(tt, 50), percentile(tt, 99)
	tick := time.Second / time.Duration(hz)
	c.cpuPerReq = time.Duration(t1-t0) * tick / time.Duration(c.n)
	c.fakeCPUPerReq = time.Duration(f1-f0) * tick / time.Duration(c.n)
	return c
}
