package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// startCustom is start with a configuration of its own (testConfig's
// layout: %[1]s is the fake's URL, %[2]s the user key) and an optional
// wrapper around the fake's handler.
func startCustom(t testing.TB, cfgText string, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	fake := fakeprovider.New(fakeprovider.Options{})
	var h http.Handler = fake
	if wrap != nil {
		h = wrap(fake)
	}
	up := httptest.NewServer(h)
	t.Cleanup(up.Close)
	cfg, err := config.Parse([]byte(fmt.Sprintf(cfgText, up.URL, userKey)), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store = "sqlite:" + filepath.Join(t.TempDir(), "sb.db")
	g, err := gateway.New(context.Background(), cfg, gateway.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	gw := httptest.NewServer(g.Handler())
	t.Cleanup(gw.Close)
	return &env{gw: gw, fake: fake, g: g}
}

// recorder wraps the fake's handler and keeps what it answered.
type recorder struct {
	mu  sync.Mutex
	exs []*exchangeRecord
}

// exchangeRecord is one answer of the fake as it went on the wire.
type exchangeRecord struct {
	path   string
	status int
	header http.Header
	body   bytes.Buffer
	// ctxErr is the request context's error when the handler returned;
	// done is closed then.
	ctxErr error
	done   chan struct{}
}

func (r *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		x := &exchangeRecord{path: req.URL.Path, done: make(chan struct{})}
		r.mu.Lock()
		r.exs = append(r.exs, x)
		r.mu.Unlock()
		rw := &recordingWriter{ResponseWriter: w, x: x, mu: &r.mu}
		defer func() {
			r.mu.Lock()
			x.ctxErr = req.Context().Err()
			r.mu.Unlock()
			close(x.done)
		}()
		next.ServeHTTP(rw, req)
	})
}

// all returns the exchanges so far.
func (r *recorder) all() []*exchangeRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*exchangeRecord(nil), r.exs...)
}

type recordingWriter struct {
	http.ResponseWriter
	x  *exchangeRecord
	mu *sync.Mutex
}

func (w *recordingWriter) WriteHeader(status int) {
	w.mu.Lock()
	if w.x.status == 0 {
		w.x.status = status
		w.x.header = w.ResponseWriter.Header().Clone()
	}
	w.mu.Unlock()
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	if w.x.status == 0 {
		w.x.status = http.StatusOK
		w.x.header = w.ResponseWriter.Header().Clone()
	}
	w.x.body.Write(b)
	w.mu.Unlock()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush on the real writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
