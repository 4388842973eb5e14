package admin

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Prefix is where the gateway mounts Handler.
const Prefix = "/admin/v1/"

// MaxBodyBytes limits an admin request body.
const MaxBodyBytes = 1 << 20

// Handler serves the admin JSON API under /admin/v1/. auth resolves the
// caller's key (it returns an error, or a nil principal, when the key is
// missing or unknown: 401). Platform admins may do everything; auditors
// may read (GET) and run what-if, which changes nothing; tenant admins may
// also read, and change keys and tenants within their own subtree (the
// rules are in keys.go); users and developers are refused with 403.
// Errors are {"error":{"code","message","param"}} with the status of the
// code.
func Handler(svc *Service, auth func(r *http.Request) (*switchboard.Principal, error)) http.Handler {
	h := &handler{svc: svc, auth: auth}
	mux := http.NewServeMux()
	route := func(pattern string, methods map[string]handlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			f, ok := methods[r.Method]
			if !ok {
				allow := make([]string, 0, len(methods))
				for m := range methods {
					allow = append(allow, m)
				}
				w.Header().Set("Allow", strings.Join(sortStrings(allow), ", "))
				writeError(w, &switchboard.Error{Code: switchboard.EMETHOD,
					Message: r.Method + " is not allowed on " + r.URL.Path + " (allowed: " + strings.Join(sortStrings(allow), ", ") + ")"})
				return
			}
			h.serve(w, r, f)
		})
	}
	route("/admin/v1/directives", map[string]handlerFunc{"GET": h.listDirectives, "POST": h.createDirective})
	route("/admin/v1/directives/{id}", map[string]handlerFunc{"GET": h.showDirective, "PUT": h.updateDirective, "DELETE": h.deleteDirective})
	route("/admin/v1/directives/{id}/{action}", map[string]handlerFunc{"POST": h.directiveAction})
	route("/admin/v1/directives/{id}/waivers/{wid}", map[string]handlerFunc{"DELETE": h.revokeWaiver})
	route("/admin/v1/whatif", map[string]handlerFunc{"POST": h.whatIf})
	route("/admin/v1/tenants", map[string]handlerFunc{"GET": h.listTenants})
	route("/admin/v1/tenants/{id...}", map[string]handlerFunc{"GET": h.showTenant, "PUT": h.putTenant, "DELETE": h.deleteTenant})
	route("/admin/v1/models", map[string]handlerFunc{"GET": h.listModels})
	route("/admin/v1/models/{id...}", map[string]handlerFunc{"GET": h.showModel, "PUT": h.putModel, "DELETE": h.deleteModel})
	route("/admin/v1/aliases", map[string]handlerFunc{"GET": h.listAliases})
	route("/admin/v1/aliases/{name...}", map[string]handlerFunc{"GET": h.showAlias, "PUT": h.putAlias, "DELETE": h.deleteAlias})
	route("/admin/v1/changes", map[string]handlerFunc{"GET": h.listChanges})
	route("/admin/v1/keys", map[string]handlerFunc{"GET": h.listKeys, "POST": h.createKey})
	route("/admin/v1/keys/{id}", map[string]handlerFunc{"GET": h.showKey})
	route("/admin/v1/keys/{id}/{action}", map[string]handlerFunc{"POST": h.keyAction})
	mux.HandleFunc("/admin/v1/", func(w http.ResponseWriter, r *http.Request) {
		h.serve(w, r, func(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
			return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no admin endpoint " + r.URL.Path +
				" (see /admin/v1/directives, /tenants, /models, /aliases, /keys, /changes, /whatif)"}
		})
	})
	return mux
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error

type handler struct {
	svc  *Service
	auth func(r *http.Request) (*switchboard.Principal, error)
}

// serve authenticates, checks the role and runs f; every error is written
// in one place.
func (h *handler) serve(w http.ResponseWriter, r *http.Request, f handlerFunc) {
	p, err := h.auth(r)
	if err != nil || p == nil {
		e := &switchboard.Error{Code: switchboard.EUNAUTHORIZED,
			Message: "the admin API needs a key with role admin: send it as Authorization: Bearer KEY"}
		var se *switchboard.Error
		switch {
		case errors.As(err, &se) && se.Code == switchboard.EUNAUTHORIZED:
			e.Message = se.Message
		case err != nil && errors.As(err, &se):
			// The key store failed (EUNAVAILABLE …): say so, not 401.
			e = se
		}
		writeError(w, e)
		return
	}
	if err := authorize(p, r); err != nil {
		writeError(w, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := f(w, r, p); err != nil {
		writeError(w, err)
	}
}

// authorize checks p's role against the class of the request: reads
// (GET, and what-if, which changes nothing) and writes. A tenant admin's
// write is let through only to the key and tenant endpoints, whose
// service methods check its subtree.
func authorize(p *switchboard.Principal, r *http.Request) error {
	readOnly := r.Method == http.MethodGet || r.URL.Path == "/admin/v1/whatif"
	switch p.Role {
	case switchboard.RolePlatformAdmin:
		return nil
	case switchboard.RoleAuditor:
		if readOnly {
			return nil
		}
		return forbidden("auditors may read the admin API but not change it; " + r.Method + " " + r.URL.Path + " needs a key with role admin")
	case switchboard.RoleTenantAdmin:
		if readOnly || strings.HasPrefix(r.URL.Path, "/admin/v1/keys") || strings.HasPrefix(r.URL.Path, "/admin/v1/tenants/") {
			return nil
		}
		return forbidden("tenant admins may change only keys and tenants within their own subtree; " + r.Method + " " + r.URL.Path + " needs a key with role admin")
	}
	return forbidden("the admin API needs a key with role admin, tenant-admin or auditor (to read); this key (" + actor(p) + ") has role " + quoteRole(p.Role))
}

func writeError(w http.ResponseWriter, err error) {
	e := switchboard.AsError(err)
	body := struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Param   string `json:"param,omitempty"`
		} `json:"error"`
	}{}
	body.Error.Code, body.Error.Message, body.Error.Param = e.Code, e.Message, e.Param
	writeJSON(w, e.HTTPStatus(), body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decode reads one JSON value into v, refusing unknown fields, trailing
// data and bodies over MaxBodyBytes. An empty body leaves v as it is when
// optional.
func decode(r *http.Request, v any, optional bool) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		if optional {
			return nil
		}
		return &switchboard.Error{Code: switchboard.EINVALID, Message: "the request needs a JSON body"}
	}
	if err == nil {
		if dec.More() {
			return &switchboard.Error{Code: switchboard.EINVALID, Message: "the body has data after its JSON value"}
		}
		if _, err2 := dec.Token(); err2 != io.EOF {
			return &switchboard.Error{Code: switchboard.EINVALID, Message: "the body has data after its JSON value"}
		}
		return nil
	}
	var mbe *http.MaxBytesError
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &mbe):
		return &switchboard.Error{Code: switchboard.ETOOLARGE, Message: "the body is over the admin API's limit of " + strconv.Itoa(MaxBodyBytes) + " bytes"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &switchboard.Error{Code: switchboard.EINVALID, Param: field, Message: "unknown field " + q(field) + " in the body"}
	case errors.As(err, &ute):
		return &switchboard.Error{Code: switchboard.EINVALID, Param: ute.Field,
			Message: ute.Field + ": expected " + ute.Type.String() + ", got JSON " + ute.Value}
	case errors.As(err, &se):
		return &switchboard.Error{Code: switchboard.EINVALID, Message: "the body is not valid JSON: " + se.Error() + " (at byte " + strconv.FormatInt(se.Offset, 10) + ")"}
	default:
		return &switchboard.Error{Code: switchboard.EINVALID, Message: "the body could not be read: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
}

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}

// reasonOf is the reason of a body-less request (DELETE): the reason query
// parameter, or a {"reason"} body.
func reasonOf(r *http.Request) (string, error) {
	if v := r.URL.Query().Get("reason"); v != "" {
		return v, nil
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &body, true); err != nil {
		return "", err
	}
	return body.Reason, nil
}
