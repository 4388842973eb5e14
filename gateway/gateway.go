// Package gateway assembles a running Switchboard from a configuration: the
// store, the codecs, the upstream client, the data-plane handler and the
// operations endpoints. cmd/switchboard and end-to-end tests both use it.
package gateway

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/oidc"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/protocol/anthropic"
	"github.com/switchboard-gov/switchboard/protocol/gemini"
	"github.com/switchboard-gov/switchboard/protocol/openai"
	"github.com/switchboard-gov/switchboard/provider"
	"github.com/switchboard-gov/switchboard/proxy"
	"github.com/switchboard-gov/switchboard/web"
)

// Options are what the configuration file does not say.
type Options struct {
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. `serve --at` passes a clock
	// that starts at a given instant.
	Now func() time.Time
	// Simulated marks providers as the in-process fake (the demo).
	Simulated bool
	// SecureCookies marks web session cookies Secure (TLS terminated in
	// front of the gateway).
	SecureCookies bool
	// SyncInterval is how often the node compares its snapshot's version
	// with the store's (default 1s); on Postgres, notifications usually
	// bring a change sooner.
	SyncInterval time.Duration
}

// Gateway is a configured, running gateway.
type Gateway struct {
	opts    Options
	store   switchboard.Store
	audit   *audit.Log
	admin   *admin.Service
	web     *web.Server
	sm      *syncMetrics
	bg      sync.WaitGroup // the watch and retention goroutines
	limiter limiter
	// retention is the audit trail's schedule; nil keeps everything.
	retention *audit.Policy
	stop      context.CancelFunc
	proxy     *proxy.Handler
	reg       *prometheus.Registry
	mux       *http.ServeMux
	mu        sync.Mutex
	cfg       *config.Config
	version   int64
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
	st, err := openStore(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	g.store = st
	g.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	alog, retention, err := openAudit(ctx, st, cfg, opts)
	if err != nil {
		st.Close()
		return nil, err
	}
	g.audit, g.retention = alog, retention
	if g.limiter, err = openLimiter(ctx, cfg); err != nil {
		alog.Close()
		st.Close()
		return nil, err
	}
	// Every write to managed state also leaves an audit record.
	g.store = auditedStore{Store: st, log: alog}
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
		Recorder:     alog,
		Limiter:      g.limiter,
		Capture:      alog.Captures,
		// Tenant system prompts are kept by the web console (cached; no
		// database read per request).
		SystemPrompt: g.systemPrompt,
	}, nil)
	if err := seed(ctx, g.store, cfg, g.static(cfg), opts.Now()); err != nil {
		g.Close()
		return nil, err
	}
	if err := g.refresh(ctx); err != nil {
		g.Close()
		return nil, err
	}
	g.admin = &admin.Service{
		Store:   g.store,
		Now:     opts.Now,
		Static:  func() admin.StaticState { return g.static(g.Config()) },
		Changed: g.refresh,
		Traffic: g.traffic,
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", g.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(g.reg, promhttp.HandlerOpts{}))
	mux.Handle(admin.Prefix, admin.Handler(g.admin, g.authenticate))
	mux.Handle("/admin/v1/audit/", audit.Handler(audit.HandlerOptions{
		Log:       alog,
		Auth:      g.authenticate,
		Keys:      []ed25519.PublicKey{alog.Signer().Public()},
		Directive: g.store.Directive,
		Tenants:   g.tenants,
		Now:       opts.Now,
	}))
	mux.Handle("/", g.proxy)

	convs, err := conversations(g.store)
	if err != nil {
		g.Close()
		return nil, err
	}
	var sso *web.SSO
	if cfg.SSO != nil {
		// The provider's clock is real time even under --at: ID tokens
		// expire in the real world.
		rp, err := oidc.New(*cfg.SSO, oidc.Options{})
		if err != nil {
			g.Close()
			return nil, err
		}
		if err := rp.Discover(ctx); err != nil {
			opts.Logger.Warn("single sign-on: the identity provider is not reachable yet; sign-in retries discovery", "err", err)
		}
		sso = &web.SSO{RP: rp, AsCaller: switchboard.WithPrincipal}
	}
	g.web, err = web.New(ctx, web.Options{
		SSO:          sso,
		Gateway:      g.proxy,
		Admin:        mux,
		Authenticate: g.keyPrincipal,
		// Conversations live beside state; the audit reader feeds the
		// console's audit browser and compliance dashboard.
		Conversations: convs,
		Audit:         g.AuditReader(),
		Keys:          g.keyList,
		SecureCookies: opts.SecureCookies,
		Now:           opts.Now,
		Logger:        opts.Logger,
	})
	if err != nil {
		g.Close()
		return nil, err
	}
	for _, p := range web.Routes {
		mux.Handle(p, g.web)
	}
	g.mux = mux
	g.sm = newSyncMetrics(g.reg)
	g.sm.storeUp.Set(1)
	g.sm.version.Set(float64(g.Version()))
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	g.stop = stop
	interval := opts.SyncInterval
	if interval <= 0 {
		interval = time.Second
	}
	g.bg.Add(2)
	go func() { defer g.bg.Done(); g.watch(wctx, interval) }()
	go func() { defer g.bg.Done(); g.retain(wctx, time.Hour) }()
	return g, nil
}

// Reload applies a new configuration: its objects are seeded into the
// store (those that changed in the file) and the routing snapshot is
// rebuilt; the next request sees it. A configuration that does not combine
// into a valid state is refused and the running one stays in force.
func (g *Gateway) Reload(ctx context.Context, cfg *config.Config) error {
	if err := seed(ctx, g.store, cfg, g.static(cfg), g.opts.Now()); err != nil {
		return err
	}
	g.mu.Lock()
	old := g.cfg
	g.cfg = cfg
	g.mu.Unlock()
	if err := g.refresh(ctx); err != nil {
		g.mu.Lock()
		g.cfg = old
		g.mu.Unlock()
		return err
	}
	return nil
}

// systemPrompt is a tenant's standing instructions: those of every
// ancestor, agency first, then its own (the console keeps them; the cache
// means no database read per request).
func (g *Gateway) systemPrompt(tenant string) string {
	if g.web == nil {
		return ""
	}
	chain := []string{tenant}
	if tree := g.proxy.Snapshot().Tenants; tree != nil {
		chain = append(tree.Ancestors(tenant), tenant)
		for i, j := 0, len(chain)-2; i < j; i, j = i+1, j-1 { // ancestors come nearest first
			chain[i], chain[j] = chain[j], chain[i]
		}
	}
	var parts []string
	for _, t := range chain {
		if p := g.web.SystemPrompt(t); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "\n\n")
}

// keyList lists every key in force, from the file and managed, without
// secrets, for the console.
func (g *Gateway) keyList() []switchboard.Principal {
	keys := g.proxy.Snapshot().Keys
	out := make([]switchboard.Principal, 0, len(keys))
	for _, p := range keys {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Tenant != out[j].Tenant {
			return out[i].Tenant < out[j].Tenant
		}
		return out[i].KeyID < out[j].KeyID
	})
	return out
}

// keyPrincipal resolves a key presented at sign-in (StateChat, console).
func (g *Gateway) keyPrincipal(key string) (*switchboard.Principal, bool) {
	p, ok := g.proxy.Snapshot().Keys[switchboard.HashKey(key)]
	if ok && !p.Expires.IsZero() && !g.opts.Now().Before(p.Expires) {
		return nil, false // expired since the snapshot was built
	}
	return &p, ok
}

// authenticate resolves the caller of an admin request from any of the
// three protocols' key headers.
func (g *Gateway) authenticate(r *http.Request) (*switchboard.Principal, error) {
	return proxy.Authenticate(g.proxy.Snapshot(), r, g.opts.Now())
}

// Admin is the admin service (the web console uses it).
func (g *Gateway) Admin() *admin.Service { return g.admin }

// Store is the state store.
func (g *Gateway) Store() switchboard.Store { return g.store }

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
	if err := g.store.Ping(ctx); err != nil {
		g.opts.Logger.Warn("readiness: store unreachable", "err", err)
		http.Error(w, "store unreachable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// Close flushes the audit trail (signing a final checkpoint) and releases
// the store. Call it after the HTTP server has drained.
func (g *Gateway) Close() error {
	var err error
	if g.stop != nil {
		g.stop()
		g.bg.Wait() // no sync or pruning may run on a closed store
	}
	if c, ok := g.limiter.(interface{ Close() error }); ok {
		_ = c.Close()
	}
	if g.audit != nil {
		err = g.audit.Close()
	}
	if g.store != nil {
		if cerr := g.store.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// AuditReader is the audit trail as the console reads it.
func (g *Gateway) AuditReader() web.AuditReader {
	return auditReader{log: g.audit, keys: []ed25519.PublicKey{g.audit.Signer().Public()}}
}

// Audit is the audit trail.
func (g *Gateway) Audit() *audit.Log { return g.audit }

func (g *Gateway) tenants(ctx context.Context) ([]switchboard.Tenant, error) {
	st, err := g.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	return st.Tenants, nil
}
