package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
)

// pipeResponse is an http.ResponseWriter whose body is read, as it is
// written, from the other end of a pipe: how StateChat streams an answer
// from the gateway handler running in the same process.
type pipeResponse struct {
	header http.Header
	status int
	pw     *io.PipeWriter
	once   sync.Once
	ready  chan struct{}
}

func (p *pipeResponse) Header() http.Header { return p.header }

func (p *pipeResponse) WriteHeader(status int) {
	p.once.Do(func() {
		p.status = status
		p.header = p.header.Clone()
		close(p.ready)
	})
}

func (p *pipeResponse) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return p.pw.Write(b)
}

// Flush is a no-op: every Write already reaches the reader.
func (p *pipeResponse) Flush() {}

// gatewayResponse is the status, headers and streaming body of an
// in-process call.
type gatewayResponse struct {
	Status int
	Header http.Header
	Body   io.ReadCloser
}

// callStreaming runs the gateway handler for one request in a goroutine
// and returns as soon as it has written its headers. Cancelling ctx
// cancels the gateway's request, and with it the upstream call.
func (s *Server) callStreaming(ctx context.Context, h http.Handler, method, path, key string, body []byte) *gatewayResponse {
	req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	req.RemoteAddr = "127.0.0.1:0"
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "StateChat")
	pr, pw := io.Pipe()
	rw := &pipeResponse{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			rw.WriteHeader(http.StatusOK)
			pw.Close()
		}()
		h.ServeHTTP(rw, req)
	}()
	select {
	case <-rw.ready:
	case <-done:
	}
	return &gatewayResponse{Status: rw.status, Header: rw.header, Body: pr}
}

// call runs a handler to completion and returns the recorded response.
func call(ctx context.Context, h http.Handler, r *http.Request, method, path, key string, body io.Reader) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, method, path, body)
	req.RemoteAddr = "127.0.0.1:0"
	req.Header.Set("Authorization", "Bearer "+key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r != nil {
		req.Host = r.Host
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
