package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/sse"
	"github.com/switchboard-gov/switchboard/web/conversation"
)

// sendRequest is the body of POST /chat/api/conversations/{id}/messages.
type sendRequest struct {
	Content string `json:"content"`
	Model   string `json:"model"`
}

// answerMeta is the first event of an answer: what actually answered it.
type answerMeta struct {
	RequestID     string `json:"request_id,omitempty"`
	ServedModel   string `json:"served_model,omitempty"`
	Vendor        string `json:"vendor,omitempty"`
	Directive     string `json:"directive,omitempty"`
	Notice        string `json:"notice,omitempty"`
	Waiver        string `json:"waiver,omitempty"`
	Guardrail     string `json:"guardrail,omitempty"`
	GuardrailNote string `json:"guardrail_note,omitempty"`
}

// ValidateMessage checks a chat message before anything is stored; the
// error names the field and says what to do.
func ValidateMessage(content string, maxChars int) error {
	if strings.TrimSpace(content) == "" {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "content", Message: "Type a message before sending."}
	}
	if !utf8.ValidString(content) {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "content", Message: "The message is not valid text."}
	}
	if n := utf8.RuneCountInString(content); n > maxChars {
		return &switchboard.Error{Code: switchboard.ETOOLARGE, Param: "content",
			Message: "The message is " + commas(n) + " characters long; the limit is " + commas(maxChars) + ". Shorten it or send it in parts."}
	}
	return nil
}

func commas(n int) string {
	s := []byte(strings.TrimLeft(itoa(n), "-"))
	var out []byte
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// send stores the user's message, asks the gateway's OpenAI endpoint
// in-process with the user's key, and relays the answer to the page as
// server-sent events: meta (who answered), delta (text), done (the stored
// message) or error. When the page aborts (the stop button) the request
// context ends, the gateway cancels its upstream call, and what had
// arrived is stored marked stopped.
func (s *Server) send(w http.ResponseWriter, r *http.Request, sess *Session) {
	r.Body = http.MaxBytesReader(w, r.Body, int64(s.opts.MaxMessageChars)*4+4096)
	var req sendRequest
	if err := decodeBody(r, &req); err != nil {
		if switchboard.ErrorCode(err) == switchboard.ETOOLARGE {
			err = &switchboard.Error{Code: switchboard.ETOOLARGE, Param: "content",
				Message: "The message is over the limit of " + commas(s.opts.MaxMessageChars) + " characters. Shorten it or send it in parts."}
		}
		writeError(w, err)
		return
	}
	if err := ValidateMessage(req.Content, s.opts.MaxMessageChars); err != nil {
		writeError(w, err)
		return
	}
	if strings.TrimSpace(req.Model) == "" {
		writeError(w, &switchboard.Error{Code: switchboard.EINVALID, Param: "model", Message: "Pick a model first."})
		return
	}
	ctx := r.Context()
	store := s.opts.Conversations
	c, err := store.Conversation(ctx, owner(sess), r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	user := &conversation.Message{ID: "m_" + randomToken()[:22], ConversationID: c.ID, Role: conversation.RoleUser,
		Content: req.Content, Status: conversation.StatusComplete, CreatedAt: s.opts.Now().UTC(), RequestedModel: req.Model}
	if err := store.AppendMessage(ctx, owner(sess), user); err != nil {
		writeError(w, err)
		return
	}
	if len(c.Messages) == 0 && c.Title == defaultTitle {
		if t := trimTo(req.Content, 60); t != "" {
			_ = store.RenameConversation(ctx, owner(sess), c.ID, t, user.CreatedAt)
		}
	}
	body, _ := json.Marshal(chatCompletion(append(c.Messages, *user), req.Model))

	gw := s.callStreaming(ctx, s.opts.Gateway, http.MethodPost, "/v1/chat/completions", sess.Key, body)
	defer gw.Body.Close()
	meta := answerMeta{
		RequestID: gw.Header.Get(hRequestID), ServedModel: gw.Header.Get(hServed), Vendor: gw.Header.Get(hVendor),
		Directive: gw.Header.Get(hDirective), Notice: gw.Header.Get(hNotice), Waiver: gw.Header.Get(hWaiver),
		Guardrail: gw.Header.Get(hGuardrail),
	}
	meta.GuardrailNote = GuardrailNote(meta.Guardrail)
	answer := &conversation.Message{ID: "m_" + randomToken()[:22], ConversationID: c.ID, Role: conversation.RoleAssistant,
		RequestedModel: req.Model, ServedModel: meta.ServedModel, Vendor: meta.Vendor, Directive: meta.Directive,
		Notice: meta.Notice, Waiver: meta.Waiver, Guardrail: meta.Guardrail, RequestID: meta.RequestID}

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	emit := func(name string, v any) {
		b, _ := json.Marshal(v)
		_, _ = w.Write(sse.AppendEvent(nil, name, b))
		_ = rc.Flush()
	}
	emit("user", user)
	emit("meta", meta)

	var text strings.Builder
	if gw.Status != http.StatusOK {
		raw := make([]byte, 0, 1024)
		buf := make([]byte, 1024)
		for len(raw) < 64<<10 {
			n, err := gw.Body.Read(buf)
			raw = append(raw, buf[:n]...)
			if err != nil {
				break
			}
		}
		answer.Status, answer.Error = conversation.StatusError, gatewayMessage(raw)
	} else {
		answer.Status = conversation.StatusComplete
		rd := sse.NewReader(gw.Body)
		for {
			ev, err := rd.Next()
			if err != nil {
				if ctx.Err() != nil {
					answer.Status = conversation.StatusStopped
				} else if !errors.Is(err, io.EOF) {
					answer.Status, answer.Error = conversation.StatusError, "the answer was cut off: the connection to the model failed"
				}
				break
			}
			data := strings.TrimSpace(string(ev.Data))
			if data == "[DONE]" {
				break
			}
			delta, errMsg := parseChunk(ev.Data)
			if errMsg != "" {
				answer.Status, answer.Error = conversation.StatusError, errMsg
				break
			}
			if delta != "" {
				text.WriteString(delta)
				emit("delta", map[string]string{"text": delta})
			}
		}
		if ctx.Err() != nil {
			answer.Status = conversation.StatusStopped
		}
	}
	answer.Content = text.String()
	answer.CreatedAt = s.opts.Now().UTC()
	// Saved even when the page has gone (stopped): a detached context.
	if err := store.AppendMessage(context.WithoutCancel(ctx), owner(sess), answer); err != nil {
		s.opts.Logger.Error("statechat: store answer", "conversation", c.ID, "err", err)
		emit("error", map[string]string{"message": "the answer could not be saved; it will be missing when you reload"})
		return
	}
	if answer.Status == conversation.StatusError {
		emit("error", map[string]any{"message": answer.Error, "message_id": answer.ID})
	}
	emit("done", messageView{Message: *answer, GuardrailNote: meta.GuardrailNote})
}

// chatCompletion builds the OpenAI request from the conversation so far:
// completed and stopped turns (a stopped answer is what the user saw),
// never failed ones.
func chatCompletion(msgs []conversation.Message, model string) map[string]any {
	type msg struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	out := make([]msg, 0, len(msgs))
	for _, m := range msgs {
		if m.Status == conversation.StatusError || (m.Role == conversation.RoleAssistant && m.Content == "") {
			continue
		}
		out = append(out, msg{Role: m.Role, Content: m.Content})
	}
	return map[string]any{"model": model, "messages": out, "stream": true,
		"stream_options": map[string]bool{"include_usage": true}}
}

// parseChunk returns the text of an OpenAI stream chunk, or the message of
// an error event.
func parseChunk(data []byte) (string, string) {
	var ch struct {
		Choices []struct {
			Delta struct {
				Content string `json:"content"`
			} `json:"delta"`
		} `json:"choices"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &ch); err != nil {
		return "", ""
	}
	if ch.Error != nil {
		if ch.Error.Message == "" {
			return "", "the model's answer failed"
		}
		return "", ch.Error.Message
	}
	var b strings.Builder
	for _, c := range ch.Choices {
		b.WriteString(c.Delta.Content)
	}
	return b.String(), ""
}
