// Package proxy is the data plane: it authenticates a request, decodes it
// from the client's protocol, routes it, calls the upstream with retries and
// fallbacks, and answers in the client's protocol — passing bytes through
// when both sides speak the same one, translating through the canonical
// model when they do not.
package proxy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/protocol/gemini"
	"github.com/switchboard-gov/switchboard/provider"
)

// Response headers that tell the truth about routing (DESIGN.md, the contract).
const (
	HeaderRequestID      = "Switchboard-Request-Id"
	HeaderRequestedModel = "Switchboard-Requested-Model"
	HeaderServedModel    = "Switchboard-Served-Model"
	HeaderVendor         = "Switchboard-Vendor"
	HeaderDirective      = "Switchboard-Directive"
	HeaderNotice         = "Switchboard-Notice"
	HeaderWaiver         = "Switchboard-Waiver"
)

// Options configure a Handler.
type Options struct {
	Client *provider.Client
	// Codecs by protocol; all three are needed.
	Codecs map[protocol.Name]protocol.Codec
	// Retries per target on retryable failures, before the next target.
	Retries int
	// Backoff before the first retry; doubled each time, with jitter.
	Backoff time.Duration
	// MaxBodyBytes limits request bodies (413 beyond).
	MaxBodyBytes int64
	Metrics      *Metrics
	Logger       *slog.Logger
	// Now is the clock (the --at mode and tests replace it).
	Now func() time.Time
	// Recorder, when set, receives one Record per request before the
	// answer's last byte is written.
	Recorder Recorder
	// SystemPrompt returns a tenant's standing instructions, prepended to
	// every request from it; nil or "" adds nothing.
	SystemPrompt func(tenant string) string
	// Limiter admits requests against rate limits and budgets and settles
	// their usage; nil limits nothing.
	Limiter limits.Limiter
	// Capture reports whether a tenant's content is captured in the audit
	// trail (its policy is redacted or full), so the proxy keeps the prompt
	// and the answer text for the Record only then.
	Capture func(tenant string) bool
}

// Recorder receives the record of each request (the audit trail).
type Recorder interface {
	Record(ctx context.Context, rec *Record) error
}

// Record describes one served (or refused) request.
type Record struct {
	ID             string
	Start          time.Time
	Principal      switchboard.Principal
	EndUser        string
	Protocol       protocol.Name
	RequestedModel string
	ServedModel    string
	Vendor         string
	Provider       string
	Channel        string
	Route          Route
	Usage          llm.Usage
	Status         int
	ErrorCode      string
	Stream         bool
	Passthrough    bool
	Attempts       int
	TTFB           time.Duration
	Duration       time.Duration
	// Findings are what the guardrails found, as types, counts and rules.
	Findings []Finding
	// SystemPrompt identifies the tenant's standing instructions when they
	// were prepended: "sha256:" and the hex digest of their text.
	SystemPrompt string
	// Prompt and Response are the request's text and the answer's, kept
	// only when Options.Capture says the tenant's content is captured.
	Prompt, Response string

	committed bool
	// The limits ticket to settle once usage is known.
	ticket   limits.Ticket
	admitted bool
	prices   limits.Prices
}

// defaultOutputEstimate is the output reserved against a tokens-per-minute
// limit when a request does not say its max_tokens; settlement corrects it.
const defaultOutputEstimate = 1024

// Handler serves the client endpoints.
type Handler struct {
	opts Options
	snap atomic.Pointer[Snapshot]
	mux  *http.ServeMux
	// down, when set, refuses every request (fail-closed during a store
	// outage).
	down atomic.Pointer[switchboard.Error]
}

// SetUnavailable refuses every request with e until called with nil.
func (h *Handler) SetUnavailable(e *switchboard.Error) { h.down.Store(e) }

// New returns a Handler serving s until Swap replaces it.
func New(opts Options, s *Snapshot) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 32 << 20
	}
	h := &Handler{opts: opts}
	if s != nil {
		h.snap.Store(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/chat/completions", h.serveProtocol(protocol.OpenAI))
	mux.HandleFunc("/v1/messages", h.serveProtocol(protocol.Anthropic))
	mux.HandleFunc("/v1beta/models/", h.serveGemini)
	mux.HandleFunc("/v1/models", h.serveModels)
	mux.HandleFunc("GET /v1/models/{model}", h.serveModel)
	mux.HandleFunc("GET /v1beta/models", h.serveGeminiModels)
	h.mux = mux
	return h
}

// Swap installs a new snapshot; the next request uses it.
func (h *Handler) Swap(s *Snapshot) { h.snap.Store(s) }

// Snapshot returns the snapshot in use.
func (h *Handler) Snapshot() *Snapshot { return h.snap.Load() }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) serveProtocol(name protocol.Name) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.serve(w, r, h.opts.Codecs[name], protocol.Target{})
	}
}

func (h *Handler) serveGemini(w http.ResponseWriter, r *http.Request) {
	codec := h.opts.Codecs[protocol.Gemini]
	model, method, ok := gemini.ParsePath(r.URL.Path)
	if !ok || (method != "generateContent" && method != "streamGenerateContent") {
		if r.Method == http.MethodGet && ok && method == "" {
			h.serveGeminiModel(w, r, model)
			return
		}
		h.writeError(w, codec, &switchboard.Error{Code: switchboard.ENOTFOUND,
			Message: "unknown method; use models/{model}:generateContent or models/{model}:streamGenerateContent?alt=sse"})
		return
	}
	t := protocol.Target{Model: model, Stream: method == "streamGenerateContent", SSE: r.URL.Query().Get("alt") == "sse"}
	h.serve(w, r, codec, t)
}

// serve is the request path of DESIGN.md for one protocol.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, codec protocol.Codec, t protocol.Target) {
	start := h.opts.Now()
	rec := &Record{ID: newRequestID(), Start: start, Protocol: codec.Name()}
	w.Header().Set(HeaderRequestID, rec.ID)
	if m := h.opts.Metrics; m != nil {
		m.InFlight.Inc()
		defer m.InFlight.Dec()
	}
	err := h.handle(w, r, codec, t, rec)
	if err != nil {
		e := switchboard.AsError(err)
		rec.ErrorCode = e.Code
		if e.Code == switchboard.EINTERNAL {
			h.opts.Logger.Error("request failed", "request_id", rec.ID, "err", err)
		}
		if rec.Status == 0 {
			rec.Status = statusOf(codec, e)
			if cerr := h.commit(r.Context(), rec); cerr != nil {
				h.opts.Logger.Error("audit record not committed for a refused request", "request_id", rec.ID, "err", cerr)
			}
			h.writeError(w, codec, e)
		}
	}
	if err := h.commit(r.Context(), rec); err != nil {
		h.opts.Logger.Error("audit record not committed", "request_id", rec.ID, "err", err)
	}
	h.settle(r.Context(), rec)
	h.observe(rec)
}

// settle records an admitted request's actual usage and spend against its
// limits and budgets, exactly once, whether it succeeded or not (a failure
// settles zero usage, releasing the reservation).
func (h *Handler) settle(ctx context.Context, rec *Record) {
	if !rec.admitted {
		return
	}
	rec.admitted = false
	u := rec.Usage
	if rec.Status == http.StatusOK && u.Total() == 0 {
		// An answer without usage (an upstream that sends none) is charged
		// its reservation, never nothing.
		u.Input = rec.ticket.Estimated
	}
	cost := rec.prices.Cost(rec.ServedModel, u)
	if err := h.opts.Limiter.Settle(context.WithoutCancel(ctx), rec.ticket, u, cost); err != nil {
		h.opts.Logger.Error("usage not settled against limits", "request_id", rec.ID, "err", err)
	}
}

// errAuditUnavailable answers a request whose audit record could not be
// committed: in the durable mode an unrecorded answer is not delivered.
var errAuditUnavailable = &switchboard.Error{Code: switchboard.EUNAVAILABLE,
	Message: "the audit trail is unavailable, so the answer was withheld; try again shortly"}

// commit hands rec to the Recorder, once, before the answer's last byte
// leaves: in the durable mode the Recorder returns only when the record is
// committed, so a crash cannot lose the record of an answer the client saw
// complete. The client going away does not cancel it.
func (h *Handler) commit(ctx context.Context, rec *Record) error {
	if rec.committed {
		return nil
	}
	rec.committed = true
	rec.Duration = h.opts.Now().Sub(rec.Start)
	if h.opts.Recorder == nil {
		return nil
	}
	if err := h.opts.Recorder.Record(context.WithoutCancel(ctx), rec); err != nil {
		// Not recorded: the answer is withheld, and the withholding is
		// what the next attempt records.
		rec.committed = false
		return err
	}
	return nil
}

func (h *Handler) handle(w http.ResponseWriter, r *http.Request, codec protocol.Codec, t protocol.Target, rec *Record) error {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return &switchboard.Error{Code: switchboard.EMETHOD, Message: "use POST for " + r.URL.Path}
	}
	if e := h.down.Load(); e != nil {
		return e
	}
	snap := h.snap.Load()
	p, err := authenticate(snap, r, codec.Name(), h.opts.Now())
	if err != nil {
		return err
	}
	rec.Principal = *p
	body, err := readBody(w, r, h.opts.MaxBodyBytes)
	if err != nil {
		return err
	}
	hd, dup, ok := peek(codec.Name(), body, t)
	if dup != "" {
		// The gateway reads the first occurrence and the upstream the last:
		// a duplicate could route, price or limit one model and serve another.
		return &switchboard.Error{Code: switchboard.EINVALID, Param: dup,
			Message: "the request has the field \"" + dup + "\" more than once; send each field once"}
	}
	var req *llm.Request
	system := ""
	if h.opts.SystemPrompt != nil {
		system = h.opts.SystemPrompt(p.Tenant)
	}
	capture := h.opts.Capture != nil && h.opts.Capture(p.Tenant)
	// The canonical request is decoded only when something needs it: an
	// unusual head, guardrails, a tenant system prompt, content capture,
	// or (later) a translating target.
	if !ok || snap.Guard != nil || system != "" || capture {
		if req, err = codec.DecodeRequest(body, t); err != nil {
			return err
		}
		hd = headOf(req)
	}
	var sc scanned
	if snap.Guard != nil {
		sc = snap.Guard.scanPrompt(req)
		if c := snap.Guard.Classifier; c != nil && !c.Parallel {
			// Before routing, so its use categories steer the directives.
			fs, cerr := h.classify(r.Context(), c, req)
			if cerr != nil {
				h.opts.Logger.Warn("safety classifier failed", "request_id", rec.ID, "err", cerr)
			}
			sc.addClassifier(fs)
			if err := snap.Guard.classifierVerdict(c, fs, cerr, p.Tenant, ""); err != nil {
				rec.Findings = sc.findings(guard.Policy{})
				return err
			}
		}
		// Recorded even when routing refuses (a use a directive restricts);
		// the target's policy refines the actions once it is known.
		rec.Findings = sc.findings(guard.Policy{})
	}
	if system != "" {
		req = withSystem(req, system)
		sc.shiftSystem(1) // the client's system texts moved down by one
		sum := sha256.Sum256([]byte(system))
		rec.SystemPrompt = "sha256:" + hex.EncodeToString(sum[:])
	}
	rec.RequestedModel, rec.Stream, rec.EndUser = hd.Model, hd.Stream, hd.User
	w.Header().Set(HeaderRequestedModel, hd.Model)

	router := snap.Router
	if router == nil {
		router = CatalogRouter{Catalog: snap.Catalog}
	}
	if !switchboard.ScopeAllows(p.Models, hd.Model) {
		return &switchboard.Error{Code: switchboard.EFORBIDDEN, Param: "model",
			Message: "this API key may use only " + strings.Join(p.Models, ", ") + "; ask your administrator to widen its scope"}
	}
	rt, err := router.Route(p, hd.Model, sc.uses, h.opts.Now())
	rec.Route = rt
	setDirectiveHeaders(w.Header(), rt)
	if err != nil {
		return err
	}
	if h.opts.Limiter != nil {
		est := len(body) / 4
		if req != nil && req.MaxTokens != nil {
			est += *req.MaxTokens
		} else {
			est += defaultOutputEstimate
		}
		var anc []string
		if snap.Tenants != nil {
			anc = snap.Tenants.Ancestors(p.Tenant)
		}
		tk, err := h.opts.Limiter.Admit(r.Context(), limits.Request{KeyID: p.KeyID, KeyName: p.Name, Tenant: p.Tenant,
			Ancestors: anc, Model: hd.Model, EstimatedTokens: est, Now: h.opts.Now()})
		if err != nil {
			return err
		}
		rec.ticket, rec.admitted, rec.prices = tk, true, snap.Prices
	}
	var classified chan classification
	if snap.Guard != nil && snap.Guard.Classifier != nil && snap.Guard.Classifier.Parallel {
		// Beside the upstream call; nothing reaches the client before it
		// answers (see awaitClassifier).
		classified = make(chan classification, 1)
		go func() {
			fs, err := h.classify(r.Context(), snap.Guard.Classifier, req)
			classified <- classification{fs, err}
		}()
	}
	x := &exchange{classified: classified, h: h, w: w, r: r, codec: codec, target: t, head: hd, req: req, body: body, rec: rec, snap: snap, route: rt,
		scan: sc, modified: system != "", capture: capture}
	return x.run(rt)
}

// withSystem prepends a tenant's standing instructions.
func withSystem(req *llm.Request, system string) *llm.Request {
	out := *req
	out.System = append([]string{system}, req.System...)
	return &out
}

func setDirectiveHeaders(hd http.Header, rt Route) {
	if rt.Directive != "" {
		hd.Set(HeaderDirective, rt.Directive)
	}
	if rt.Notice != "" {
		hd.Set(HeaderNotice, headerSafe(rt.Notice))
	}
	if rt.Waiver != "" {
		hd.Set(HeaderWaiver, rt.Waiver)
	}
}

// headerSafe keeps a notice printable in a header: no control characters,
// and non-ASCII replaced, since HTTP/1 headers are Latin-1 at best.
func headerSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c >= 0x7f {
			b[i] = ' '
		}
	}
	return string(b)
}

// Authenticate resolves the caller of a non-protocol request (admin API,
// console) from whichever key header it sent.
func Authenticate(s *Snapshot, r *http.Request, now time.Time) (*switchboard.Principal, error) {
	return authenticate(s, r, protocol.OpenAI, now)
}

// authenticate finds the caller's key in the protocol's own header, falling
// back to the others so any client library works.
func authenticate(s *Snapshot, r *http.Request, proto protocol.Name, now time.Time) (*switchboard.Principal, error) {
	// A person signed in by single sign-on, on whose behalf StateChat or
	// the console calls in-process: the caller was set by code in this
	// process, never by the network.
	if p, ok := switchboard.PrincipalFrom(r.Context()); ok {
		return &p, nil
	}
	key := presentedKey(r, proto)
	if key == "" {
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "key",
			Message: "missing API key: send your Switchboard key in the " + keyHeaderName(proto) + " header"}
	}
	h := switchboard.HashKey(key)
	if p, ok := s.Keys[h]; ok {
		if !p.Expires.IsZero() && !now.Before(p.Expires) {
			return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "key",
				Message: "this API key expired at " + p.Expires.UTC().Format(time.RFC3339) + "; ask your administrator for a new one"}
		}
		return &p, nil
	}
	return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "key",
		Message: "invalid API key: check the Switchboard key you were given (keys are shown once, at creation)"}
}

func presentedKey(r *http.Request, proto protocol.Name) string {
	bearer := func() string {
		a := r.Header.Get("Authorization")
		if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
			return strings.TrimSpace(a[7:])
		}
		return ""
	}
	order := [3]func() string{bearer, func() string { return r.Header.Get("x-api-key") }, func() string { return r.Header.Get("x-goog-api-key") }}
	switch proto {
	case protocol.Anthropic:
		order[0], order[1] = order[1], order[0]
	case protocol.Gemini:
		order[0], order[2] = order[2], order[0]
	}
	for _, f := range order {
		if k := f(); k != "" {
			return k
		}
	}
	if proto == protocol.Gemini {
		return r.URL.Query().Get("key")
	}
	return ""
}

func keyHeaderName(p protocol.Name) string {
	switch p {
	case protocol.Anthropic:
		return "x-api-key"
	case protocol.Gemini:
		return "x-goog-api-key"
	}
	return "Authorization: Bearer"
}

func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	body, err := readAll(http.MaxBytesReader(w, r.Body, limit), r.ContentLength)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Message: "could not read the request body", Cause: err}
	}
	if len(body) == 0 {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Message: "the request body is empty: send a JSON object"}
	}
	if !utf8.Valid(body) {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Message: "the request body is not valid UTF-8"}
	}
	return body, nil
}

// readAll reads r into a buffer sized from the announced length, so a
// request body costs one allocation instead of io.ReadAll's doublings.
func readAll(r io.Reader, n int64) ([]byte, error) {
	if n <= 0 || n > 1<<20 {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, n+1) // +1 so the final read sees EOF without growing
	for {
		m, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

func tooLarge(limit int64) error {
	return switchboard.Errorf(switchboard.ETOOLARGE, "the request body is larger than this gateway's limit of %d bytes", limit)
}

func (h *Handler) writeError(w http.ResponseWriter, codec protocol.Codec, e *switchboard.Error) {
	status, body := codec.ErrorBody(e)
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	if e.RetryAfter > 0 {
		hd.Set("Retry-After", itoa(e.RetryAfter))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func statusOf(codec protocol.Codec, e *switchboard.Error) int {
	status, _ := codec.ErrorBody(e)
	return status
}

func (h *Handler) observe(rec *Record) {
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	if m := h.opts.Metrics; m != nil {
		m.Requests.WithLabelValues(string(rec.Protocol), rec.Provider, rec.ServedModel, itoa(rec.Status)).Inc()
		m.Duration.WithLabelValues(string(rec.Protocol), rec.Provider, rec.ServedModel).Observe(rec.Duration.Seconds())
		if rec.TTFB > 0 {
			m.TTFB.WithLabelValues(string(rec.Protocol), rec.Provider, rec.ServedModel).Observe(rec.TTFB.Seconds())
		}
		u := rec.Usage
		if u.Input+u.Output > 0 {
			m.Tokens.WithLabelValues(rec.Provider, rec.ServedModel, "input").Add(float64(u.Input))
			m.Tokens.WithLabelValues(rec.Provider, rec.ServedModel, "output").Add(float64(u.Output))
			if u.CacheRead > 0 {
				m.Tokens.WithLabelValues(rec.Provider, rec.ServedModel, "cached").Add(float64(u.CacheRead))
			}
			if u.Reasoning > 0 {
				m.Tokens.WithLabelValues(rec.Provider, rec.ServedModel, "reasoning").Add(float64(u.Reasoning))
			}
		}
	}
	// One line per request at debug level: the audit trail is the record
	// of every request, and a log write per request costs a system call on
	// the hot path. Failures are logged at warn or error where they happen.
	if h.opts.Logger.Enabled(context.Background(), slog.LevelDebug) {
		h.opts.Logger.LogAttrs(context.Background(), slog.LevelDebug, "request",
			slog.String("request_id", rec.ID),
			slog.String("tenant", rec.Principal.Tenant),
			slog.String("key_id", rec.Principal.KeyID),
			slog.String("protocol", string(rec.Protocol)),
			slog.String("requested_model", rec.RequestedModel),
			slog.String("served_model", rec.ServedModel),
			slog.String("provider", rec.Provider),
			slog.Int("status", rec.Status),
			slog.Bool("stream", rec.Stream),
			slog.Int("attempts", rec.Attempts),
			slog.Int("input_tokens", rec.Usage.Input),
			slog.Int("output_tokens", rec.Usage.Output),
			slog.Duration("duration", rec.Duration),
		)
	}
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
