package proxy

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/protocol"
)

// modelInfo is what the gateway says about one model or alias it offers.
type modelInfo struct {
	ID        string
	Alias     bool
	Title     string
	Vendor    string
	Provider  string
	Simulated bool
}

// visible lists what p may use, aliases first, with catalog details.
func (h *Handler) visible(s *Snapshot, p *switchboard.Principal) []modelInfo {
	router := s.Router
	if router == nil {
		router = CatalogRouter{Catalog: s.Catalog}
	}
	names := router.Visible(p, h.opts.Now())
	out := make([]modelInfo, 0, len(names))
	for _, n := range names {
		if !switchboard.ScopeAllows(p.Models, n) {
			continue
		}
		mi := modelInfo{ID: n}
		if a, ok := s.Catalog.Alias(n); ok {
			mi.Alias, mi.Title = true, a.Title
			if ts, _ := s.Catalog.Resolve(n); len(ts) > 0 {
				mi.Simulated = ts[0].Provider.Simulated
			}
		} else if m, ok := s.Catalog.Model(n); ok {
			mi.Vendor, mi.Provider = m.Vendor, m.Provider
			if pr, ok := s.Catalog.Provider(m.Provider); ok {
				mi.Simulated = pr.Simulated
			}
		}
		out = append(out, mi)
	}
	return out
}

// ownedBy says whose model it is, and that it is simulated in the demo.
func (mi modelInfo) ownedBy() string {
	o := mi.Vendor
	if mi.Alias {
		o = "switchboard-alias"
	}
	if mi.Simulated {
		o += " (simulated)"
	}
	return o
}

type openAIModel struct {
	ID          string               `json:"id"`
	Object      string               `json:"object"`
	Created     int64                `json:"created"`
	OwnedBy     string               `json:"owned_by"`
	Switchboard switchboardModelInfo `json:"switchboard"`
}

type switchboardModelInfo struct {
	Kind      string `json:"kind"`
	Title     string `json:"title,omitempty"`
	Vendor    string `json:"vendor,omitempty"`
	Provider  string `json:"provider,omitempty"`
	Simulated bool   `json:"simulated"`
}

func (mi modelInfo) extra() switchboardModelInfo {
	kind := "model"
	if mi.Alias {
		kind = "alias"
	}
	return switchboardModelInfo{Kind: kind, Title: mi.Title, Vendor: mi.Vendor, Provider: mi.Provider, Simulated: mi.Simulated}
}

type anthropicModel struct {
	Type        string               `json:"type"`
	ID          string               `json:"id"`
	DisplayName string               `json:"display_name"`
	CreatedAt   string               `json:"created_at"`
	Switchboard switchboardModelInfo `json:"switchboard"`
}

type geminiModel struct {
	Name                       string               `json:"name"`
	DisplayName                string               `json:"displayName"`
	Description                string               `json:"description,omitempty"`
	SupportedGenerationMethods []string             `json:"supportedGenerationMethods"`
	Switchboard                switchboardModelInfo `json:"switchboard"`
}

// epoch is a fixed creation time: the catalog has no real one, and a stable
// value keeps responses deterministic.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// serveModels answers GET /v1/models in OpenAI's shape, or Anthropic's when
// the caller sends anthropic-version (both SDKs use the same path).
func (h *Handler) serveModels(w http.ResponseWriter, r *http.Request) {
	proto := protocol.OpenAI
	if r.Header.Get("anthropic-version") != "" {
		proto = protocol.Anthropic
	}
	codec := h.opts.Codecs[proto]
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		h.writeError(w, codec, &switchboard.Error{Code: switchboard.EMETHOD, Message: "use GET for " + r.URL.Path})
		return
	}
	s := h.snap.Load()
	p, err := authenticate(s, r, proto, h.opts.Now())
	if err != nil {
		h.writeError(w, codec, switchboard.AsError(err))
		return
	}
	infos := h.visible(s, p)
	if proto == protocol.Anthropic {
		data := make([]anthropicModel, len(infos))
		for i, mi := range infos {
			data[i] = anthropicModel{Type: "model", ID: mi.ID, DisplayName: displayName(mi), CreatedAt: epoch.Format(time.RFC3339), Switchboard: mi.extra()}
		}
		first, last := "", ""
		if len(data) > 0 {
			first, last = data[0].ID, data[len(data)-1].ID
		}
		writeJSON(w, map[string]any{"data": data, "has_more": false, "first_id": first, "last_id": last})
		return
	}
	data := make([]openAIModel, len(infos))
	for i, mi := range infos {
		data[i] = openAIModel{ID: mi.ID, Object: "model", Created: epoch.Unix(), OwnedBy: mi.ownedBy(), Switchboard: mi.extra()}
	}
	writeJSON(w, map[string]any{"object": "list", "data": data})
}

// serveModel answers GET /v1/models/{model}.
func (h *Handler) serveModel(w http.ResponseWriter, r *http.Request) {
	proto := protocol.OpenAI
	if r.Header.Get("anthropic-version") != "" {
		proto = protocol.Anthropic
	}
	codec := h.opts.Codecs[proto]
	s := h.snap.Load()
	p, err := authenticate(s, r, proto, h.opts.Now())
	if err != nil {
		h.writeError(w, codec, switchboard.AsError(err))
		return
	}
	id := r.PathValue("model")
	for _, mi := range h.visible(s, p) {
		if mi.ID != id {
			continue
		}
		if proto == protocol.Anthropic {
			writeJSON(w, anthropicModel{Type: "model", ID: mi.ID, DisplayName: displayName(mi), CreatedAt: epoch.Format(time.RFC3339), Switchboard: mi.extra()})
		} else {
			writeJSON(w, openAIModel{ID: mi.ID, Object: "model", Created: epoch.Unix(), OwnedBy: mi.ownedBy(), Switchboard: mi.extra()})
		}
		return
	}
	h.writeError(w, codec, switchboard.AsError(unknownModel(id)))
}

func (h *Handler) serveGeminiModels(w http.ResponseWriter, r *http.Request) {
	codec := h.opts.Codecs[protocol.Gemini]
	s := h.snap.Load()
	p, err := authenticate(s, r, protocol.Gemini, h.opts.Now())
	if err != nil {
		h.writeError(w, codec, switchboard.AsError(err))
		return
	}
	infos := h.visible(s, p)
	models := make([]geminiModel, len(infos))
	for i, mi := range infos {
		models[i] = geminiInfo(mi)
	}
	writeJSON(w, map[string]any{"models": models})
}

func (h *Handler) serveGeminiModel(w http.ResponseWriter, r *http.Request, id string) {
	codec := h.opts.Codecs[protocol.Gemini]
	s := h.snap.Load()
	p, err := authenticate(s, r, protocol.Gemini, h.opts.Now())
	if err != nil {
		h.writeError(w, codec, switchboard.AsError(err))
		return
	}
	for _, mi := range h.visible(s, p) {
		if mi.ID == id {
			writeJSON(w, geminiInfo(mi))
			return
		}
	}
	h.writeError(w, codec, switchboard.AsError(unknownModel(id)))
}

func geminiInfo(mi modelInfo) geminiModel {
	return geminiModel{Name: "models/" + mi.ID, DisplayName: displayName(mi), Description: mi.ownedBy(),
		SupportedGenerationMethods: []string{"generateContent", "streamGenerateContent"}, Switchboard: mi.extra()}
}

func displayName(mi modelInfo) string {
	name := mi.ID
	if mi.Title != "" {
		name = mi.Title
	}
	if mi.Simulated && !strings.Contains(strings.ToLower(name), "simulated") {
		name += " (simulated)"
	}
	return name
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
