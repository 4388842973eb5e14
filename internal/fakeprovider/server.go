// Package fakeprovider is a deterministic, in-process stand-in for the OpenAI,
// Anthropic and Gemini HTTP APIs, written independently of the gateway's
// codecs so that tests check those codecs against a separate reading of the
// vendors' wire formats.
//
// One Server answers all three vendors:
//
//	OpenAI     POST /v1/chat/completions, GET /v1/models   (base URL for SDKs: URL+"/v1/")
//	Anthropic  POST /v1/messages                           (base URL: URL)
//	Gemini     POST /v1beta/models/{model}:generateContent
//	           POST /v1beta/models/{model}:streamGenerateContent[?alt=sse]  (base URL: URL)
//
// Requests are validated as strictly as the real APIs do it and rejected in
// the vendor's own error shape. Replies are a pure function of the request:
// the same request gives the same bytes (ids are hashes of the body, the
// OpenAI "created" field is a constant). Tests steer replies through the last
// user message: "call NAME", "weather", "tool" and "in parallel" produce tool
// calls, and [[fake:...]] markers inject faults (see Server).
package fakeprovider

import (
	"context"
	"errors"
	"hash/fnv"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Protocol names, the keys of Options.APIKeys and the Vendor of a recorded
// Request.
const (
	OpenAI    = "openai"
	Anthropic = "anthropic"
	Gemini    = "gemini"
)

// MaxRecorded is how many requests a Server remembers; older ones are dropped.
const MaxRecorded = 1000

// maxBody bounds a request body, as the real APIs do (with a 413 or 400).
const maxBody = 32 << 20

// Options tune a Server. The zero value is a fast fake that accepts any
// non-empty key and splits streamed text into 4 chunks.
type Options struct {
	// Latency is waited before the first byte of every answer.
	Latency time.Duration
	// Chunks is how many pieces a streamed text reply is split into
	// (default 4; fewer when the reply has fewer words).
	Chunks int
	// ChunkDelay is waited between streamed chunks.
	ChunkDelay time.Duration
	// APIKeys maps a protocol (OpenAI, Anthropic, Gemini) to the one key the
	// fake accepts for it. A protocol missing from the map accepts any
	// non-empty key.
	APIKeys map[string]string
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
	// NoRecord turns off request recording (for benchmarks).
	NoRecord bool
}

// Request is one request as the fake received it. Secrets (Authorization,
// x-api-key, x-goog-api-key and the key query parameter) are replaced by
// "REDACTED" so tests can still see that they were sent.
type Request struct {
	// Vendor is OpenAI, Anthropic, Gemini, or "" for an unknown route.
	Vendor string
	Method string
	Path   string
	// RawQuery is the query string with any key= value redacted.
	RawQuery string
	Header   http.Header
	Body     []byte
}

// Server is the fake upstream. It is an http.Handler; use Start for tests or
// Listen for a loopback listener.
//
// Faults are driven by markers in the last user text of a request, so that
// they pass unchanged through the gateway from any SDK. Several settings may
// share one marker, separated by commas:
//
//	[[fake:status=503]]              answer with that status in the vendor's error shape
//	                                 (429 adds retry-after: 1; Anthropic 529 is overloaded_error)
//	[[fake:fail_times=2,status=500]] fail the first 2 identical requests (same path and body),
//	                                 then succeed; status defaults to 500
//	[[fake:slow_first_byte=200ms]]   wait before the first byte (after Options.Latency)
//	[[fake:disconnect_after=2]]      streams: drop the connection after 2 events;
//	                                 non-streaming: after half the body
//	[[fake:chunks=10]]               split the streamed text into 10 pieces
//	[[fake:delay=5ms]]               wait between streamed chunks
//
// Markers are removed from the text the reply echoes.
type Server struct {
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	ring     []Request // ring buffer of recorded requests
	next     int       // next slot in ring
	full     bool      // ring has wrapped
	failures map[uint64]int
}

// New returns a Server with opts.
func New(opts Options) *Server {
	if opts.Chunks <= 0 {
		opts.Chunks = 4
	}
	s := &Server{opts: opts, log: opts.Logger, failures: make(map[uint64]int)}
	if !opts.NoRecord {
		s.ring = make([]Request, 0, 64)
	}
	return s
}

// Start returns a Server and an httptest.Server serving it; the caller closes
// the httptest.Server. SDK base URLs: OpenAI ts.URL+"/v1/", Anthropic and
// Gemini ts.URL.
func Start(opts Options) (*Server, *httptest.Server) {
	s := New(opts)
	return s, httptest.NewServer(s)
}

// Listen serves s on addr (for example "127.0.0.1:0") until ctx is done and
// returns the base URL ("http://127.0.0.1:PORT"). It is how serve --demo runs
// the fake.
func (s *Server) Listen(ctx context.Context, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = hs.Close()
	}()
	return "http://" + ln.Addr().String(), nil
}

// ListenAndServe serves s on addr until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	hs := &http.Server{Addr: addr, Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = hs.Close()
	}()
	err := hs.ListenAndServe()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Requests returns a copy of the recorded requests, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.full {
		return append([]Request(nil), s.ring...)
	}
	out := make([]Request, 0, len(s.ring))
	out = append(out, s.ring[s.next:]...)
	return append(out, s.ring[:s.next]...)
}

// Reset forgets the recorded requests and the fail_times counters.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ring = s.ring[:0]
	s.next, s.full = 0, false
	clear(s.failures)
}

func (s *Server) record(vendor string, r *http.Request, body []byte) {
	if s.opts.NoRecord {
		return
	}
	h := r.Header.Clone()
	for _, k := range []string{"Authorization", "X-Api-Key", "X-Goog-Api-Key"} {
		if len(h[k]) > 0 {
			h[k] = []string{"REDACTED"}
		}
	}
	q := r.URL.RawQuery
	if r.URL.Query().Has("key") {
		v := r.URL.Query()
		v.Set("key", "REDACTED")
		q = v.Encode()
	}
	rec := Request{Vendor: vendor, Method: r.Method, Path: r.URL.Path, RawQuery: q, Header: h, Body: body}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ring) < MaxRecorded && !s.full {
		s.ring = append(s.ring, rec)
		s.next = len(s.ring) % MaxRecorded
		s.full = len(s.ring) == MaxRecorded
		return
	}
	s.ring[s.next] = rec
	s.next = (s.next + 1) % MaxRecorded
}

// vendorOf routes a path to a vendor.
func vendorOf(path string) string {
	switch {
	case path == "/v1/chat/completions" || path == "/v1/models":
		return OpenAI
	case path == "/v1/messages":
		return Anthropic
	case strings.HasPrefix(path, "/v1beta/models/"):
		return Gemini
	}
	return ""
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	vendor := vendorOf(r.URL.Path)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return // the client went away
	}
	s.record(vendor, r, body)
	if s.log != nil {
		s.log.Debug("fakeprovider request", "vendor", vendor, "method", r.Method, "path", r.URL.Path, "bytes", len(body))
	}
	if !sleep(r.Context(), s.opts.Latency) {
		return
	}
	x := &exchange{s: s, w: w, r: r, body: body, vendor: vendor, faults: faults{disconnectAfter: -1}}
	if len(body) > maxBody {
		x.fail(&apiError{status: http.StatusRequestEntityTooLarge, message: "request body too large"})
		return
	}
	switch vendor {
	case OpenAI:
		s.serveOpenAI(x)
	case Anthropic:
		s.serveAnthropic(x)
	case Gemini:
		s.serveGemini(x)
	default:
		http.NotFound(w, r)
	}
}

// exchange is one request being answered.
type exchange struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	vendor string
	hash   uint64
	faults faults
	sent   int // stream events written
}

// apiError is an error answer, rendered in the vendor's shape by x.fail.
type apiError struct {
	status  int
	kind    string // OpenAI error.type, Anthropic error.type or Gemini status; derived from status when empty
	code    string // OpenAI error.code
	param   string // OpenAI error.param
	message string
	// Gemini details.
	reason string // ErrorInfo.reason
	field  string // BadRequest.fieldViolations[0].field
	// retryAfter is sent as the retry-after header when > 0.
	retryAfter int
}

func (x *exchange) fail(e *apiError) {
	if e.retryAfter > 0 {
		x.w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	var b []byte
	switch x.vendor {
	case Anthropic:
		b = anthropicErrorBody(e, x.requestID())
		x.w.Header().Set("Request-Id", x.requestID())
	case Gemini:
		b = geminiErrorBody(e)
	default:
		b = openAIErrorBody(e)
	}
	x.writeJSON(e.status, b)
}

// statusError is the error a [[fake:status=N]] fault answers with.
func statusError(status int) *apiError {
	e := &apiError{status: status, message: "Simulated upstream failure (status " + strconv.Itoa(status) + ")."}
	if status == http.StatusTooManyRequests {
		e.retryAfter = 1
		e.message = "Simulated rate limit reached. Please try again in 1s."
	}
	if status == 529 || status == http.StatusServiceUnavailable {
		e.message = "Overloaded"
	}
	return e
}

func (x *exchange) writeJSON(status int, b []byte) {
	h := x.w.Header()
	h.Set("Content-Type", "application/json")
	if x.faults.disconnectAfter >= 0 {
		// Promise the whole body, send half, then drop the connection.
		h.Set("Content-Length", strconv.Itoa(len(b)))
		x.w.WriteHeader(status)
		_, _ = x.w.Write(b[:len(b)/2])
		_ = http.NewResponseController(x.w).Flush()
		panic(http.ErrAbortHandler)
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	x.w.WriteHeader(status)
	_, _ = x.w.Write(b)
}

func (x *exchange) requestID() string {
	return "req_" + hex16(x.hash^0x5eed)
}

// prepare computes the request hash, reads the faults from the last user
// text and applies the ones that come before the answer. It reports whether
// the caller should go on answering normally.
func (x *exchange) prepare(lastUser string) bool {
	x.hash = hashBytes(x.r.URL.Path, x.body)
	x.faults = parseFaults(lastUser)
	f := &x.faults
	if !sleep(x.r.Context(), f.slowFirstByte) {
		return false
	}
	if f.failTimes > 0 {
		key := x.hash
		x.s.mu.Lock()
		n := x.s.failures[key]
		if n < f.failTimes {
			x.s.failures[key] = n + 1
		}
		x.s.mu.Unlock()
		if n < f.failTimes {
			st := f.status
			if st == 0 {
				st = http.StatusInternalServerError
			}
			x.fail(statusError(st))
			return false
		}
		return true
	}
	if f.status != 0 {
		x.fail(statusError(f.status))
		return false
	}
	return true
}

// chunks is the number of pieces a streamed text is split into.
func (x *exchange) chunks() int {
	if x.faults.chunks > 0 {
		return x.faults.chunks
	}
	return x.s.opts.Chunks
}

// startStream writes the event-stream headers.
func (x *exchange) startStream(contentType string) {
	h := x.w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-cache")
	x.w.WriteHeader(http.StatusOK)
}

// event writes one stream event (already framed) and flushes it, after the
// chunk delay and before any disconnect fault. It reports false when the
// client has gone.
func (x *exchange) event(frame []byte) bool {
	if x.faults.disconnectAfter >= 0 && x.sent >= x.faults.disconnectAfter {
		_ = http.NewResponseController(x.w).Flush()
		panic(http.ErrAbortHandler)
	}
	if x.sent > 0 {
		d := x.s.opts.ChunkDelay
		if x.faults.delay > 0 {
			d = x.faults.delay
		}
		if !sleep(x.r.Context(), d) {
			return false
		}
	}
	x.sent++
	if _, err := x.w.Write(frame); err != nil {
		return false
	}
	return http.NewResponseController(x.w).Flush() == nil
}

// sseFrame frames data as an SSE event; name may be empty. sep is the line
// terminator ("\n", or "\r\n" for Gemini).
func sseFrame(name string, data []byte, sep string) []byte {
	b := make([]byte, 0, len(name)+len(data)+24)
	if name != "" {
		b = append(b, "event: "...)
		b = append(b, name...)
		b = append(b, sep...)
	}
	b = append(b, "data: "...)
	b = append(b, data...)
	b = append(b, sep...)
	b = append(b, sep...)
	return b
}

// faults are the settings of the [[fake:...]] markers of one request.
type faults struct {
	status          int
	failTimes       int
	slowFirstByte   time.Duration
	disconnectAfter int // -1: never
	chunks          int
	delay           time.Duration
}

const markerOpen, markerClose = "[[fake:", "]]"

// parseFaults reads every [[fake:k=v,...]] marker in text. Unknown keys and
// bad values are ignored: the fake must never fail on its own knobs.
func parseFaults(text string) faults {
	f := faults{disconnectAfter: -1}
	for {
		i := strings.Index(text, markerOpen)
		if i < 0 {
			return f
		}
		text = text[i+len(markerOpen):]
		j := strings.Index(text, markerClose)
		if j < 0 {
			return f
		}
		for kv := range strings.SplitSeq(text[:j], ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
			n, nerr := strconv.Atoi(v)
			d, derr := time.ParseDuration(v)
			switch k {
			case "status":
				if nerr == nil && n >= 100 && n <= 599 {
					f.status = n
				}
			case "fail_times":
				if nerr == nil && n >= 0 {
					f.failTimes = n
				}
			case "disconnect_after":
				if nerr == nil && n >= 0 {
					f.disconnectAfter = n
				}
			case "chunks":
				if nerr == nil && n > 0 {
					f.chunks = min(n, 10000)
				}
			case "slow_first_byte":
				if derr == nil && d > 0 {
					f.slowFirstByte = d
				}
			case "delay":
				if derr == nil && d > 0 {
					f.delay = d
				}
			}
		}
		text = text[j+len(markerClose):]
	}
}

// stripMarkers removes the [[fake:...]] markers from text.
func stripMarkers(text string) string {
	if !strings.Contains(text, markerOpen) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, markerOpen)
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], markerClose)
		if j < 0 {
			break
		}
		b.WriteString(text[:i])
		text = text[i+j+len(markerClose):]
	}
	b.WriteString(text)
	return strings.TrimSpace(b.String())
}

// sleep waits d or until ctx is done; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func hashBytes(path string, body []byte) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(path))
	_, _ = h.Write(body)
	return h.Sum64()
}

func hex16(v uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b[:])
}

// checkKey compares a presented key with the configured one.
func (s *Server) checkKey(vendor, got string) bool {
	want, ok := s.opts.APIKeys[vendor]
	if !ok || want == "" {
		return got != ""
	}
	return got == want
}
