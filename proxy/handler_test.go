package proxy_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
	"github.com/switchboard-gov/switchboard/provider"
	"github.com/switchboard-gov/switchboard/proxy"
	"github.com/switchboard-gov/switchboard/route"
)

// logWriter is a ResponseWriter that logs every write, so a test can see
// what had been sent when the record was committed.
type logWriter struct {
	mu     sync.Mutex
	header http.Header
	status int
	log    []string
}

func (w *logWriter) Header() http.Header { return w.header }
func (w *logWriter) WriteHeader(s int)   { w.status = s }
func (w *logWriter) Flush()              {}
func (w *logWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status == 0 {
		w.status = 200
	}
	w.log = append(w.log, string(b))
	return len(b), nil
}
func (w *logWriter) mark(s string) { w.mu.Lock(); w.log = append(w.log, s); w.mu.Unlock() }

type recorderFunc func(ctx context.Context, rec *proxy.Record) error

func (f recorderFunc) Record(ctx context.Context, rec *proxy.Record) error { return f(ctx, rec) }

const key = "sb-proxy-test-key-0001"

func handler(t *testing.T, rec proxy.Recorder, protocol string) *proxy.Handler {
	t.Helper()
	up := httptest.NewServer(fakeprovider.New(fakeprovider.Options{NoRecord: true}))
	t.Cleanup(up.Close)
	base := up.URL
	if protocol == "openai" {
		base += "/v1"
	}
	cat := route.NewCatalog(
		[]switchboard.Provider{{Name: "up", Protocol: protocol, BaseURL: base, APIKey: "k"}},
		[]switchboard.Model{{ID: "m", Provider: "up", Vendor: "v", Upstream: "up-model"}}, nil)
	return proxy.New(proxy.Options{
		Client:   provider.NewClient(provider.Timeouts{}),
		Codecs:   gateway.Codecs(),
		Recorder: rec,
	}, &proxy.Snapshot{Catalog: cat, Keys: map[switchboard.KeyHash]switchboard.Principal{
		switchboard.HashKey(key): {KeyID: "key_test", Tenant: "t", Role: "user"},
	}})
}

// TestRecordBeforeTerminalBytes checks the durable-mode ordering: the record
// is committed after the content but before the bytes that end the stream,
// for passthrough and translated streams alike.
func TestRecordBeforeTerminalBytes(t *testing.T) {
	for _, tc := range []struct{ upstream, terminal string }{
		{"openai", "data: [DONE]"},    // passthrough
		{"anthropic", "data: [DONE]"}, // translated
	} {
		t.Run(tc.upstream, func(t *testing.T) {
			w := &logWriter{header: http.Header{}}
			var got *proxy.Record
			h := handler(t, recorderFunc(func(_ context.Context, rec *proxy.Record) error {
				got = rec
				w.mark("RECORD")
				return nil
			}), tc.upstream)
			body := `{"model":"m","stream":true,"messages":[{"role":"user","content":"hello there [[fake:chunks=3]]"}]}`
			r := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+key)
			h.ServeHTTP(w, r)
			all := strings.Join(w.log, "")
			rec := strings.Index(all, "RECORD")
			if rec < 0 {
				t.Fatalf("no record committed:\n%s", all)
			}
			if c := strings.Index(all, "Simulated"); c < 0 || c > rec {
				t.Errorf("content should precede the record:\n%s", all)
			}
			if d := strings.Index(all, tc.terminal); d < rec {
				t.Errorf("terminal bytes %q sent before the record was committed:\n%s", tc.terminal, all)
			}
			if got.Status != 200 || got.ServedModel != "m" || got.Usage.Output == 0 || got.Principal.KeyID != "key_test" {
				t.Errorf("record = %+v", got)
			}
		})
	}
}

// TestAuditFailureWithholdsAnswer: when the record cannot be committed the
// answer is not delivered.
func TestAuditFailureWithholdsAnswer(t *testing.T) {
	h := handler(t, recorderFunc(func(context.Context, *proxy.Record) error {
		return context.DeadlineExceeded
	}), "openai")
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`))
	r.Header.Set("Authorization", "Bearer "+key)
	h.ServeHTTP(w, r)
	if w.Code != 503 || strings.Contains(w.Body.String(), "Simulated") {
		t.Fatalf("status %d body %s; want 503 and no answer", w.Code, w.Body)
	}

	ws := &logWriter{header: http.Header{}}
	r = httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	r.Header.Set("Authorization", "Bearer "+key)
	h.ServeHTTP(ws, r)
	all := strings.Join(ws.log, "")
	if strings.Contains(all, "[DONE]") || !strings.Contains(all, `"error"`) {
		t.Fatalf("stream should end with an error event, not [DONE]:\n%s", all)
	}
}

// TestRecordBeforeGeminiFinalChunk: a Gemini stream has no terminal event
// of its own; on the passthrough path the chunk carrying finishReason is
// held until the record is committed.
func TestRecordBeforeGeminiFinalChunk(t *testing.T) {
	w := &logWriter{header: http.Header{}}
	h := handler(t, recorderFunc(func(_ context.Context, rec *proxy.Record) error {
		w.mark("RECORD")
		return nil
	}), "gemini")
	body := `{"contents":[{"role":"user","parts":[{"text":"hello there [[fake:chunks=3]]"}]}]}`
	r := httptest.NewRequest("POST", "/v1beta/models/m:streamGenerateContent?alt=sse", strings.NewReader(body))
	r.Header.Set("x-goog-api-key", key)
	h.ServeHTTP(w, r)
	all := strings.Join(w.log, "")
	rec, fin := strings.Index(all, "RECORD"), strings.Index(all, `"finishReason"`)
	if rec < 0 || fin < 0 || fin < rec || strings.Index(all, "Simulated") > rec {
		t.Fatalf("want content, then the record, then the finishReason chunk:\n%s", all)
	}
}

// TestDuplicateFieldsAreRefused: the gateway reads a field's first copy and
// an upstream its last, so a duplicate could be routed, limited and priced
// as one model and served as another.
func TestDuplicateFieldsAreRefused(t *testing.T) {
	h := handler(t, nil, "openai")
	for _, tc := range []struct{ body, param string }{
		{`{"model":"m","messages":[{"role":"user","content":"hi"}],"model":"other"}`, "model"},
		{`{"model":"m","stream":true,"stream_options":{"include_usage":true,"include_usage":false},"messages":[{"role":"user","content":"hi"}]}`, "stream_options.include_usage"},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(tc.body))
		r.Header.Set("Authorization", "Bearer "+key)
		h.ServeHTTP(w, r)
		if w.Code != 400 || !strings.Contains(w.Body.String(), `"param":"`+tc.param+`"`) {
			t.Errorf("%s: %d %s", tc.body, w.Code, w.Body)
		}
	}
}
