// Package gateway assembles a running Switchboard from a configuration: the
// store, the codecs, the upstream client, the data-plane handler and the
// operations endpoints. cmd/switchboard and end-to-end tests both use it.
package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/policy"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/protocol/anthropic"
	"github.com/switchboard-gov/switchboard/protocol/gemini"
	"github.com/switchboard-gov/switchboard/protocol/openai"
	"github.com/switchboard-gov/switchboard/provider"
	"github.com/switchboard-gov/switchboard/proxy"
	"github.com/switchboard-gov/switchboard/route"
	"github.com/switchboard-gov/switchboard/sqlite"
)

// Options are what the configuration file does not say.
type Options struct {
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. `serve --at` passes a clock
	// that starts at a given instant.
	Now func() time.Time
	// Simulated marks providers as the in-process fake (the demo).
	Simulated bool
}

// Gateway is a configured, running gateway.
type Gateway struct {
	opts    Options
	db      *sqlite.DB
	proxy   *proxy.Handler
	reg     *prometheus.Registry
	mux     *http.ServeMux
	mu      sync.Mutex
	cfg     *config.Config
	version int64
}

// Codecs returns the three protocol codecs.
func Codecs() map[protocol.Name]protocol.Codec {
	return map[protocol.Name]protocol.Codec{
		protocol.OpenAI:    openai.New(),
		protocol.Anthropic: anthropic.New(),
		protocol.Gemini:    gemini.New(),
	}
}

// New opens the store and builds the handlers.
func New(ctx context.Context, cfg *config.Config, opts Options) (*Gateway, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	g := &Gateway{opts: opts, cfg: cfg, reg: prometheus.NewRegistry()}
	switch {
	case strings.HasPrefix(cfg.Store, "sqlite:"):
		db, err := sqlite.Open(ctx, strings.TrimPrefix(cfg.Store, "sqlite:"))
		if err != nil {
			return nil, err
		}
		g.db = db
	default:
		return nil, switchboard.Errorf(switchboard.EINVALID, "store %q: only sqlite: is supported by this build so far", cfg.Store)
	}
	g.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	tm := cfg.Gateway.Timeouts
	g.proxy = proxy.New(proxy.Options{
		Client: provider.NewClient(provider.Timeouts{
			Connect: time.Duration(tm.Connect), FirstByte: time.Duration(tm.FirstByte),
			Idle: time.Duration(tm.Idle), Total: time.Duration(tm.Total),
		}),
		Codecs:       Codecs(),
		Retries:      *cfg.Gateway.Retries,
		Backoff:      time.Duration(cfg.Gateway.RetryBackoff),
		MaxBodyBytes: cfg.Gateway.MaxBodyBytes,
		Metrics:      proxy.NewMetrics(g.reg),
		Logger:       opts.Logger,
		Now:          opts.Now,
	}, nil)
	snap, err := g.snapshot(cfg)
	if err != nil {
		g.db.Close()
		return nil, err
	}
	g.proxy.Swap(snap)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", g.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(g.reg, promhttp.HandlerOpts{}))
	mux.Handle("/", g.proxy)
	g.mux = mux
	return g, nil
}

// snapshot builds the immutable routing state from a configuration.
func (g *Gateway) snapshot(cfg *config.Config) (*proxy.Snapshot, error) {
	providers := cfg.ProviderList()
	if g.opts.Simulated {
		for i := range providers {
			providers[i].Simulated = true
		}
	}
	cat := route.NewCatalog(providers, cfg.ModelList(), cfg.AliasList())
	keys := make(map[switchboard.KeyHash]switchboard.Principal, len(cfg.Keys))
	for _, k := range cfg.Keys {
		h := switchboard.HashKey(k.Key)
		keys[h] = switchboard.Principal{KeyID: h.KeyID(), Name: k.Name, Tenant: k.Tenant, Role: k.Role}
	}
	tree, err := switchboard.NewTenantTree(cfg.TenantList())
	if err != nil {
		return nil, err
	}
	ps, err := policy.NewSnapshot(cfg.PolicyInput(tree, cat))
	if err != nil {
		return nil, err
	}
	return &proxy.Snapshot{Catalog: cat, Vendors: cfg.Vendors, Keys: keys, Router: policyRouter{ps}}, nil
}

// Reload swaps in a new configuration; the next request sees it. A
// configuration that cannot be turned into a snapshot is refused and the
// running one stays in force.
func (g *Gateway) Reload(cfg *config.Config) error {
	snap, err := g.snapshot(cfg)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cfg = cfg
	g.version++
	g.proxy.Swap(snap)
	return nil
}

// Config returns the configuration in force.
func (g *Gateway) Config() *config.Config {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cfg
}

// Handler serves every endpoint.
func (g *Gateway) Handler() http.Handler { return g.mux }

// Registry is the Prometheus registry (other packages add their series).
func (g *Gateway) Registry() *prometheus.Registry { return g.reg }

func (g *Gateway) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := g.db.PingContext(ctx); err != nil {
		g.opts.Logger.Warn("readiness: store unreachable", "err", err)
		http.Error(w, "store unreachable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// Close releases the store.
func (g *Gateway) Close() error {
	if g.db != nil {
		return g.db.Close()
	}
	return nil
}

