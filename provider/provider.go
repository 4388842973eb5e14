// Package provider calls upstream LLM APIs: it builds the URL and the auth
// headers each protocol wants, applies the connect, first-byte, idle and total
// timeouts, and classifies failures as retryable or not. It knows nothing of
// request bodies beyond the bytes it is given.
package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/protocol"
)

// AnthropicVersion is the anthropic-version header sent upstream.
const AnthropicVersion = "2023-06-01"

// Timeouts bound an upstream call. Zero means no limit.
type Timeouts struct {
	// Connect bounds the TCP (and TLS) connection set-up.
	Connect time.Duration
	// FirstByte bounds the wait for the response headers.
	FirstByte time.Duration
	// Idle bounds the silence between two reads of a streamed body.
	Idle time.Duration
	// Total bounds the whole call, body included.
	Total time.Duration
}

// Client sends requests to providers. It is safe for concurrent use.
type Client struct {
	http     *http.Client
	timeouts Timeouts
}

// NewClient returns a Client with a connection pool sized for a gateway:
// many idle connections per host, since every request goes to a handful of
// upstreams.
func NewClient(t Timeouts) *Client {
	dialer := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   t.Connect,
		ResponseHeaderTimeout: t.FirstByte,
		ExpectContinueTimeout: time.Second,
	}
	return &Client{http: &http.Client{Transport: tr}, timeouts: t}
}

// Call is one upstream request.
type Call struct {
	Provider *switchboard.Provider
	// Model is the provider's id for the model (Gemini puts it in the URL).
	Model  string
	Stream bool
	Body   []byte
}

// Response is a successful (2xx) upstream answer. Close must be called.
type Response struct {
	Status int
	Header http.Header
	// ContentLength is the announced body length, or -1.
	ContentLength int64
	Body          io.ReadCloser
	cancel        context.CancelFunc
}

// Close releases the upstream connection and the call's timers.
func (r *Response) Close() error {
	err := r.Body.Close()
	r.cancel()
	return err
}

// UpstreamError is a non-2xx answer or a transport failure.
type UpstreamError struct {
	// Status is 0 for a transport failure (refused, reset, timed out).
	Status int
	Body   []byte
	// RetryAfter is the upstream's retry-after, when it sent one.
	RetryAfter time.Duration
	Err        error
}

func (e *UpstreamError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("upstream unreachable: %v", e.Err)
	}
	return fmt.Sprintf("upstream answered %d", e.Status)
}

func (e *UpstreamError) Unwrap() error { return e.Err }

// Retryable reports whether another attempt may succeed: rate limits,
// server errors, overload and transport failures.
func (e *UpstreamError) Retryable() bool {
	if e.Status == 0 {
		return !errors.Is(e.Err, context.Canceled)
	}
	return e.Status == 408 || e.Status == 409 || e.Status == 429 || e.Status >= 500
}

// Do sends the call. A 2xx answer returns a Response whose body is subject
// to the idle and total timeouts; anything else returns an *UpstreamError
// with the body read (up to 64 KiB) so it can be mapped for the client.
func (c *Client) Do(ctx context.Context, call Call) (*Response, error) {
	u, err := Endpoint(call.Provider, call.Model, call.Stream)
	if err != nil {
		return nil, err
	}
	var (
		cctx   context.Context
		cancel context.CancelFunc
	)
	if c.timeouts.Total > 0 {
		cctx, cancel = context.WithTimeout(ctx, c.timeouts.Total)
	} else {
		cctx, cancel = context.WithCancel(ctx)
	}
	req, err := http.NewRequestWithContext(cctx, http.MethodPost, u, bytes.NewReader(call.Body))
	if err != nil {
		cancel()
		return nil, err
	}
	SetAuth(req.Header, call.Provider)
	req.Header.Set("Content-Type", "application/json")
	if call.Stream {
		req.Header.Set("Accept", "text/event-stream")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		cancel()
		return nil, &UpstreamError{Err: err}
	}
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		cancel()
		return nil, &UpstreamError{Status: resp.StatusCode, Body: body, RetryAfter: retryAfter(resp.Header)}
	}
	body := resp.Body
	if c.timeouts.Idle > 0 && call.Stream {
		// A whole answer is bounded by the total timeout; the idle timer
		// (reset on every read) is for streams, where silence is the fault.
		body = newIdleReader(body, c.timeouts.Idle, cancel)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, ContentLength: resp.ContentLength, Body: body, cancel: cancel}, nil
}

// Endpoint is the URL of a call to p.
func Endpoint(p *switchboard.Provider, model string, stream bool) (string, error) {
	base := strings.TrimRight(p.BaseURL, "/")
	switch protocol.Name(p.Protocol) {
	case protocol.OpenAI:
		return base + "/chat/completions", nil
	case protocol.Anthropic:
		return base + "/v1/messages", nil
	case protocol.Gemini:
		m := url.PathEscape(strings.TrimPrefix(model, "models/"))
		if stream {
			return base + "/v1beta/models/" + m + ":streamGenerateContent?alt=sse", nil
		}
		return base + "/v1beta/models/" + m + ":generateContent", nil
	}
	return "", switchboard.Errorf(switchboard.EINTERNAL, "provider %q has unknown protocol %q", p.Name, p.Protocol)
}

// SetAuth sets the credential headers p's protocol expects.
func SetAuth(h http.Header, p *switchboard.Provider) {
	switch protocol.Name(p.Protocol) {
	case protocol.OpenAI:
		if p.APIKey != "" {
			h.Set("Authorization", "Bearer "+p.APIKey)
		}
	case protocol.Anthropic:
		h.Set("x-api-key", p.APIKey)
		h.Set("anthropic-version", AnthropicVersion)
	case protocol.Gemini:
		h.Set("x-goog-api-key", p.APIKey)
	}
}

func retryAfter(h http.Header) time.Duration {
	if ms := h.Get("retry-after-ms"); ms != "" {
		if n, err := strconv.ParseFloat(ms, 64); err == nil && n >= 0 {
			return time.Duration(n * float64(time.Millisecond))
		}
	}
	if s := h.Get("retry-after"); s != "" {
		if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 0 {
			return time.Duration(n * float64(time.Second))
		}
		if t, err := http.ParseTime(s); err == nil {
			return time.Until(t)
		}
	}
	return 0
}

// ErrIdle is the cause when a stream was silent longer than the idle timeout.
var ErrIdle = errors.New("upstream stream idle timeout")

// idleReader cancels the call when no read completes within d.
type idleReader struct {
	r     io.ReadCloser
	d     time.Duration
	timer *time.Timer
	mu    sync.Mutex
	idle  bool
}

func newIdleReader(r io.ReadCloser, d time.Duration, cancel context.CancelFunc) *idleReader {
	ir := &idleReader{r: r, d: d}
	ir.timer = time.AfterFunc(d, func() {
		ir.mu.Lock()
		ir.idle = true
		ir.mu.Unlock()
		cancel()
	})
	return ir
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	ir.timer.Reset(ir.d)
	if err != nil && err != io.EOF {
		ir.mu.Lock()
		idle := ir.idle
		ir.mu.Unlock()
		if idle {
			return n, ErrIdle
		}
	}
	return n, err
}

func (ir *idleReader) Close() error {
	ir.timer.Stop()
	return ir.r.Close()
}
