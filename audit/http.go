package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// HandlerOptions configure the audit admin API.
type HandlerOptions struct {
	Log *Log
	// Auth resolves the caller (nil principal or an error: 401).
	Auth func(r *http.Request) (*switchboard.Principal, error)
	// Keys are the trusted checkpoint keys for verify.
	Keys []ed25519.PublicKey
	// Directive and Tenants feed the compliance report.
	Directive func(ctx context.Context, id string) (*switchboard.Directive, error)
	Tenants   func(ctx context.Context) ([]switchboard.Tenant, error)
	Now       func() time.Time
}

// Roles allowed: admins do everything, auditors read.
const (
	RoleAdmin   = "admin"
	RoleAuditor = "auditor"
)

// Handler serves the audit API, mounted at /admin/v1/audit/:
//
//	GET  /admin/v1/audit/records     search (JSON: {"records":[…]}); filters tenant, vendor, model, directive, from, to, limit, after
//	GET  /admin/v1/audit/export      the same filters, format=jsonl|csv, streamed
//	GET  /admin/v1/audit/verify      verify the whole chain
//	GET  /admin/v1/audit/holds       list legal holds
//	POST /admin/v1/audit/holds       place one: {"tenant","from","to","reason"}
//	GET  /admin/v1/audit/compliance  directive=ID [tenant, from, to, format=json|md|csv|html]
//
// Admins may do everything, auditors only GET.
func Handler(o HandlerOptions) http.Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	mux := http.NewServeMux()
	h := &apiHandler{o: o}
	mux.HandleFunc("GET /admin/v1/audit/records", h.wrap(h.search))
	mux.HandleFunc("GET /admin/v1/audit/export", h.wrap(h.export))
	mux.HandleFunc("GET /admin/v1/audit/verify", h.wrap(h.verify))
	mux.HandleFunc("GET /admin/v1/audit/holds", h.wrap(h.holds))
	mux.HandleFunc("POST /admin/v1/audit/holds", h.wrap(h.placeHold))
	mux.HandleFunc("GET /admin/v1/audit/compliance", h.wrap(h.compliance))
	mux.HandleFunc("/admin/v1/audit/", h.wrap(func(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no audit endpoint " + r.Method + " " + r.URL.Path +
			" (see GET records, export, verify, holds, compliance; POST holds)"}
	}))
	return mux
}

type apiHandler struct{ o HandlerOptions }

func (h *apiHandler) wrap(f func(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := h.o.Auth(r)
		if err != nil || p == nil {
			writeError(w, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "the audit API needs a key with role admin or auditor: send it as Authorization: Bearer KEY"})
			return
		}
		if p.Role != RoleAdmin && !(p.Role == RoleAuditor && r.Method == http.MethodGet) {
			writeError(w, &switchboard.Error{Code: switchboard.EFORBIDDEN, Message: "role " + strconv.Quote(p.Role) + " may not " + r.Method + " " + r.URL.Path + " (admins may; auditors may read)"})
			return
		}
		if err := f(w, r, p); err != nil {
			writeError(w, switchboard.AsError(err))
		}
	}
}

func writeError(w http.ResponseWriter, e *switchboard.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.HTTPStatus())
	msg := e.Message
	if e.Code == switchboard.EINTERNAL {
		msg = "internal error"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": e.Code, "message": msg, "param": e.Param}})
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(v)
}

// ParseTime reads a time given as RFC 3339 or a date (YYYY-MM-DD, UTC
// midnight); field names it in the error.
func ParseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, &switchboard.Error{Code: switchboard.EINVALID, Param: field,
		Message: field + " " + strconv.Quote(s) + " is not a time: use RFC 3339 (2026-03-03T12:00:00Z) or a date (2026-03-03)"}
}

// FilterFromQuery reads a Filter from URL query parameters.
func FilterFromQuery(q url.Values) (Filter, error) {
	f := Filter{Tenant: q.Get("tenant"), Subtree: q.Get("subtree") == "true", Vendor: q.Get("vendor"), Model: q.Get("model"),
		Directive: q.Get("directive"), Kind: q.Get("kind")}
	var err error
	if f.From, err = ParseTime("from", q.Get("from")); err != nil {
		return f, err
	}
	if f.To, err = ParseTime("to", q.Get("to")); err != nil {
		return f, err
	}
	for _, p := range []struct {
		name string
		dst  func(int64)
	}{{"limit", func(v int64) { f.Limit = int(v) }}, {"after", func(v int64) { f.AfterSeq = v }}} {
		if s := q.Get(p.name); s != "" {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v < 0 {
				return f, &switchboard.Error{Code: switchboard.EINVALID, Param: p.name, Message: p.name + " must be a non-negative integer"}
			}
			p.dst(v)
		}
	}
	return f, f.Validate()
}

func (h *apiHandler) search(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	f, err := FilterFromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	if f.Limit == 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	recs := []*Record{}
	if err := h.o.Log.Store().Query(r.Context(), f, func(rec *Record) error { recs = append(recs, rec); return nil }); err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"records": recs})
}

func (h *apiHandler) export(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	f, err := FilterFromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = FormatJSONL
	}
	if format != FormatJSONL && format != FormatCSV {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "format", Message: "format must be jsonl or csv"}
	}
	ct := map[string]string{FormatJSONL: "application/x-ndjson", FormatCSV: "text/csv"}[format]
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="audit.`+format+`"`)
	fl, _ := w.(http.Flusher)
	_, err = Export(r.Context(), h.o.Log.Store(), f, format, w, func(int64) {
		if fl != nil {
			fl.Flush()
		}
	})
	return err
}

func (h *apiHandler) verify(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	rep, err := Verify(r.Context(), h.o.Log.Store(), VerifyOptions{Keys: h.o.Keys})
	if err != nil {
		return err
	}
	return writeJSON(w, rep)
}

func (h *apiHandler) holds(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	hs, err := h.o.Log.Store().Holds(r.Context())
	if err != nil {
		return err
	}
	if hs == nil {
		hs = []Hold{}
	}
	return writeJSON(w, map[string]any{"holds": hs})
}

func (h *apiHandler) placeHold(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	var in struct {
		Tenant string `json:"tenant"`
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return &switchboard.Error{Code: switchboard.EINVALID, Message: "the body must be a JSON object {tenant, from, to, reason}: " + err.Error()}
	}
	hold := Hold{Tenant: in.Tenant, Reason: in.Reason, By: p.KeyID + " (" + p.Name + ")"}
	var err error
	if hold.From, err = ParseTime("from", in.From); err != nil {
		return err
	}
	if hold.To, err = ParseTime("to", in.To); err != nil {
		return err
	}
	hold, err = h.o.Log.PlaceHold(r.Context(), hold)
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return writeJSON(w, hold)
}

func (h *apiHandler) compliance(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	q := r.URL.Query()
	id := q.Get("directive")
	if id == "" {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "directive", Message: "name the directive: ?directive=ID"}
	}
	if h.o.Directive == nil || h.o.Tenants == nil {
		return &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "compliance reports are not configured on this server"}
	}
	d, err := h.o.Directive(r.Context(), id)
	if err != nil {
		var e *switchboard.Error
		if errors.As(err, &e) && e.Code == switchboard.ENOTFOUND {
			return &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "directive", Message: "unknown directive " + strconv.Quote(id)}
		}
		return err
	}
	ts, err := h.o.Tenants(r.Context())
	if err != nil {
		return err
	}
	var o ComplianceOptions
	o.Tenant = q.Get("tenant")
	if o.From, err = ParseTime("from", q.Get("from")); err != nil {
		return err
	}
	if o.To, err = ParseTime("to", q.Get("to")); err != nil {
		return err
	}
	format := q.Get("format")
	ct, ok := map[string]string{"": "application/json", "json": "application/json", "md": "text/markdown; charset=utf-8",
		"csv": "text/csv", "html": "text/html; charset=utf-8"}[format]
	if !ok {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "format", Message: "format must be json, md, csv or html"}
	}
	rep, err := Report(r.Context(), h.o.Log.Store(), d, ts, o, h.o.Now())
	if err != nil {
		return err
	}
	if format == "" || format == "json" {
		return writeJSON(w, rep)
	}
	w.Header().Set("Content-Type", ct)
	if format != "html" {
		w.Header().Set("Content-Disposition", `attachment; filename="compliance-`+id+`.`+format+`"`)
	}
	return rep.Write(w, format)
}
