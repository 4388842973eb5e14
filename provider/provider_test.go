package provider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

func TestEndpointAndAuth(t *testing.T) {
	tests := []struct {
		p      switchboard.Provider
		stream bool
		url    string
		header map[string]string
	}{
		{switchboard.Provider{Protocol: "openai", BaseURL: "http://h/v1/", APIKey: "k"}, false, "http://h/v1/chat/completions", map[string]string{"Authorization": "Bearer k"}},
		{switchboard.Provider{Protocol: "anthropic", BaseURL: "http://h", APIKey: "k"}, true, "http://h/v1/messages", map[string]string{"x-api-key": "k", "anthropic-version": AnthropicVersion}},
		{switchboard.Provider{Protocol: "gemini", BaseURL: "http://h", APIKey: "k"}, true, "http://h/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", map[string]string{"x-goog-api-key": "k"}},
		{switchboard.Provider{Protocol: "gemini", BaseURL: "http://h", APIKey: "k"}, false, "http://h/v1beta/models/gemini-2.5-flash:generateContent", nil},
	}
	for _, tt := range tests {
		u, err := Endpoint(&tt.p, "models/gemini-2.5-flash", tt.stream)
		if err != nil || u != tt.url {
			t.Errorf("%s: %q, %v; want %q", tt.p.Protocol, u, err, tt.url)
		}
		h := http.Header{}
		SetAuth(h, &tt.p)
		for k, v := range tt.header {
			if h.Get(k) != v {
				t.Errorf("%s: header %s = %q, want %q", tt.p.Protocol, k, h.Get(k), v)
			}
		}
	}
	if _, err := Endpoint(&switchboard.Provider{Protocol: "grpc"}, "m", false); err == nil {
		t.Error("unknown protocol accepted")
	}
}

func TestRetryableAndRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/429/chat/completions":
			w.Header().Set("retry-after", "2")
			w.WriteHeader(429)
		case "/v1/400/chat/completions":
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":{"message":"bad"}}`))
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	c := NewClient(Timeouts{})
	call := func(path string) error {
		resp, err := c.Do(context.Background(), Call{Provider: &switchboard.Provider{Protocol: "openai", BaseURL: srv.URL + path}, Body: []byte(`{}`)})
		if err == nil {
			resp.Close()
		}
		return err
	}
	var ue *UpstreamError
	if err := call("/v1/429"); !errors.As(err, &ue) || ue.Status != 429 || !ue.Retryable() || ue.RetryAfter != 2*time.Second {
		t.Errorf("429: %#v", err)
	}
	if err := call("/v1/400"); !errors.As(err, &ue) || ue.Status != 400 || ue.Retryable() || string(ue.Body) != `{"error":{"message":"bad"}}` {
		t.Errorf("400: %#v", err)
	}
	if err := call("/v1/ok"); err != nil {
		t.Errorf("200: %v", err)
	}
	refused := &switchboard.Provider{Protocol: "openai", BaseURL: "http://127.0.0.1:1/v1"}
	if _, err := c.Do(context.Background(), Call{Provider: refused}); !errors.As(err, &ue) || ue.Status != 0 || !ue.Retryable() {
		t.Errorf("refused: %#v", err)
	}
}

// TestIdleTimeoutEndsASilentStream: a stream that goes quiet longer than
// the idle timeout ends with ErrIdle instead of hanging.
func TestIdleTimeoutEndsASilentStream(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte("data: {}\n\n"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := NewClient(Timeouts{Idle: 50 * time.Millisecond})
	resp, err := c.Do(context.Background(), Call{Provider: &switchboard.Provider{Protocol: "openai", BaseURL: srv.URL + "/v1"}, Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	_, err = io.ReadAll(resp.Body)
	if !errors.Is(err, ErrIdle) {
		t.Fatalf("err = %v, want ErrIdle", err)
	}
}
