package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/web/conversation"
)

// Response headers of the gateway that StateChat shows.
const (
	hRequestID = "Switchboard-Request-Id"
	hServed    = "Switchboard-Served-Model"
	hVendor    = "Switchboard-Vendor"
	hDirective = "Switchboard-Directive"
	hNotice    = "Switchboard-Notice"
	hWaiver    = "Switchboard-Waiver"
	// hGuardrail summarises what guardrails did to the request:
	// "redacted: US_SSN=1, PHONE_NUMBER=1" or "blocked: …".
	hGuardrail = "Switchboard-Guardrail"
)

const defaultTitle = "New conversation"

// modelOption is one entry of the model picker.
type modelOption struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Alias  bool   `json:"alias"`
	Vendor string `json:"vendor,omitempty"`
}

// apiModels lists what the user's tenant may use now, asking the gateway's
// GET /v1/models with the user's key: aliases first, by their titles.
func (s *Server) apiModels(w http.ResponseWriter, r *http.Request, sess *Session) error {
	rec := call(r.Context(), s.opts.Gateway, r, http.MethodGet, "/v1/models", sess.Key, nil)
	if rec.Code != http.StatusOK {
		return &switchboard.Error{Code: switchboard.StatusCode(rec.Code), Message: "the gateway could not list your models: " + gatewayMessage(rec.Body.Bytes())}
	}
	var list struct {
		Data []struct {
			ID          string `json:"id"`
			Switchboard struct {
				Kind   string `json:"kind"`
				Title  string `json:"title"`
				Vendor string `json:"vendor"`
			} `json:"switchboard"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
		return fmt.Errorf("web: decode /v1/models: %w", err)
	}
	out := make([]modelOption, 0, len(list.Data))
	for _, m := range list.Data {
		o := modelOption{ID: m.ID, Title: m.Switchboard.Title, Alias: m.Switchboard.Kind == "alias", Vendor: m.Switchboard.Vendor}
		if o.Title == "" {
			o.Title = m.ID
		}
		out = append(out, o)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Alias && !out[j].Alias })
	writeJSON(w, http.StatusOK, map[string]any{"models": out})
	return nil
}

func (s *Server) apiConversations(w http.ResponseWriter, r *http.Request, sess *Session) error {
	cs, err := s.opts.Conversations.Conversations(r.Context(), owner(sess))
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []conversation.Conversation{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversations": cs})
	return nil
}

// owner is the user's identity in the conversation store.
func owner(sess *Session) string { return sess.Principal.KeyID }

func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &switchboard.Error{Code: switchboard.ETOOLARGE, Message: "the request is too large"}
		}
		if errors.Is(err, io.EOF) {
			return &switchboard.Error{Code: switchboard.EINVALID, Message: "the request needs a JSON body"}
		}
		return &switchboard.Error{Code: switchboard.EINVALID, Message: "the request body is not valid JSON"}
	}
	return nil
}

func (s *Server) apiCreate(w http.ResponseWriter, r *http.Request, sess *Session) error {
	var body struct {
		Title string `json:"title"`
		Model string `json:"model"`
	}
	if r.ContentLength != 0 {
		if err := decodeBody(r, &body); err != nil {
			return err
		}
	}
	title := trimTo(body.Title, 120)
	if title == "" {
		title = defaultTitle
	}
	now := s.opts.Now().UTC()
	c := &conversation.Conversation{ID: "c_" + randomToken()[:22], Owner: owner(sess), Tenant: sess.Principal.Tenant,
		Title: title, Model: body.Model, CreatedAt: now, UpdatedAt: now}
	if err := s.opts.Conversations.CreateConversation(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"conversation": c})
	return nil
}

func (s *Server) apiConversation(w http.ResponseWriter, r *http.Request, sess *Session) error {
	c, err := s.opts.Conversations.Conversation(r.Context(), owner(sess), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversation": view(c)})
	return nil
}

// messageView is a message with its plain-language notes for the page.
type messageView struct {
	conversation.Message
	GuardrailNote string `json:"guardrail_note,omitempty"`
}

type conversationView struct {
	conversation.Conversation
	Messages []messageView `json:"messages"`
}

func view(c *conversation.Conversation) conversationView {
	v := conversationView{Conversation: *c, Messages: make([]messageView, len(c.Messages))}
	v.Conversation.Messages = nil
	for i, m := range c.Messages {
		v.Messages[i] = messageView{Message: m, GuardrailNote: GuardrailNote(m.Guardrail)}
	}
	return v
}

func (s *Server) apiRename(w http.ResponseWriter, r *http.Request, sess *Session) error {
	var body struct {
		Title string `json:"title"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	title := strings.TrimSpace(body.Title)
	switch {
	case title == "":
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "title", Message: "title: give the conversation a name"}
	case utf8.RuneCountInString(title) > 120:
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "title", Message: "title: keep it under 120 characters"}
	}
	if err := s.opts.Conversations.RenameConversation(r.Context(), owner(sess), r.PathValue("id"), title, s.opts.Now().UTC()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"title": title})
	return nil
}

// apiDelete removes the conversation from StateChat. The audit trail keeps
// its own record of each request under its own retention rules, and
// reported answers keep their copy for review.
func (s *Server) apiDelete(w http.ResponseWriter, r *http.Request, sess *Session) error {
	if err := s.opts.Conversations.DeleteConversation(r.Context(), owner(sess), r.PathValue("id")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": r.PathValue("id")})
	return nil
}

// apiReport files an answer into the console's review queue (OMB
// M-26-04: a way for users to report outputs that violate the procurement
// principles).
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, sess *Session) error {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	reason := strings.TrimSpace(body.Reason)
	switch {
	case reason == "":
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "reason", Message: "reason: say what is wrong with this answer, so the reviewers can act on it"}
	case utf8.RuneCountInString(reason) > 4000:
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "reason", Message: "reason: keep it under 4,000 characters"}
	}
	c, err := s.opts.Conversations.Conversation(r.Context(), owner(sess), r.PathValue("id"))
	if err != nil {
		return err
	}
	mid := r.PathValue("mid")
	var answer *conversation.Message
	prompt := ""
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.ID == mid {
			answer = m
			break
		}
		if m.Role == conversation.RoleUser {
			prompt = m.Content
		}
	}
	if answer == nil || answer.Role != conversation.RoleAssistant {
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no answer " + mid + " in this conversation"}
	}
	rep := &conversation.Report{ID: "rep_" + randomToken()[:16], MessageID: mid, ConversationID: c.ID, RequestID: answer.RequestID,
		Reporter: owner(sess), ReporterName: sess.Principal.Name, Tenant: sess.Principal.Tenant, Reason: reason,
		Prompt: prompt, Answer: answer.Content, ServedModel: answer.ServedModel, Vendor: answer.Vendor, CreatedAt: s.opts.Now().UTC()}
	if err := s.opts.Conversations.FileReport(r.Context(), rep); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"report": rep.ID})
	return nil
}

// export downloads a conversation as Markdown (format=md, the default) or
// JSON (format=json).
func (s *Server) export(w http.ResponseWriter, r *http.Request, sess *Session) {
	c, err := s.opts.Conversations.Conversation(r.Context(), owner(sess), r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	name := fileName(c.Title)
	switch f := r.URL.Query().Get("format"); f {
	case "json":
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(view(c))
	case "", "md":
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.md"`)
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		_, _ = io.WriteString(w, ExportMarkdown(c))
	default:
		writeError(w, &switchboard.Error{Code: switchboard.EINVALID, Param: "format", Message: "format: " + strconv.Quote(f) + " is not md or json"})
	}
}

// ExportMarkdown renders a conversation as Markdown, each answer followed
// by who answered it and any notice.
func ExportMarkdown(c *conversation.Conversation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", c.Title)
	fmt.Fprintf(&b, "_Exported from StateChat. Started %s; tenant %s._\n\n", c.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), c.Tenant)
	for _, m := range c.Messages {
		if m.Role == conversation.RoleUser {
			fmt.Fprintf(&b, "## You — %s\n\n%s\n\n", m.CreatedAt.UTC().Format("2006-01-02 15:04"), m.Content)
			continue
		}
		fmt.Fprintf(&b, "## StateChat — %s\n\n", m.CreatedAt.UTC().Format("2006-01-02 15:04"))
		if m.Content != "" {
			b.WriteString(m.Content + "\n\n")
		}
		var meta []string
		if m.ServedModel != "" {
			meta = append(meta, "answered by "+m.ServedModel+" ("+m.Vendor+")")
		}
		switch m.Status {
		case conversation.StatusStopped:
			meta = append(meta, "stopped by the user")
		case conversation.StatusError:
			meta = append(meta, "error: "+m.Error)
		}
		if m.Notice != "" {
			meta = append(meta, "notice ("+m.Directive+"): "+m.Notice)
		}
		if n := GuardrailNote(m.Guardrail); n != "" {
			meta = append(meta, n)
		}
		if m.RequestID != "" {
			meta = append(meta, "request "+m.RequestID)
		}
		if len(meta) > 0 {
			b.WriteString("> " + strings.Join(meta, "; ") + "\n\n")
		}
	}
	return b.String()
}

func fileName(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	n := strings.Trim(b.String(), "-")
	if len(n) > 60 {
		n = strings.Trim(n[:60], "-")
	}
	if n == "" {
		n = "conversation"
	}
	return n
}

// gatewayMessage extracts error.message from a gateway error body.
func gatewayMessage(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	return strings.TrimSpace(trimTo(string(body), 300))
}
