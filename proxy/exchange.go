package proxy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/provider"
	"github.com/switchboard-gov/switchboard/route"
	"github.com/switchboard-gov/switchboard/sse"
)

// maxResponseBytes bounds a non-streamed upstream answer held in memory.
const maxResponseBytes = 64 << 20

// exchange is one client request on its way through targets and attempts.
type exchange struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	codec  protocol.Codec
	target protocol.Target
	head   head
	// req is the canonical request, decoded only when a target needs a
	// translation (see canonical).
	req   *llm.Request
	body  []byte
	rec   *Record
	snap  *Snapshot
	route Route
	// targetIndex is the target being tried.
	targetIndex int

	// scan is what the guardrails found in the prompt; modified means the
	// canonical request differs from the body (a tenant system prompt), so
	// it cannot pass through; capture keeps content for the audit trail.
	scan     scanned
	modified bool
	capture  bool
	// For the attempt in progress: the request as sent (redacted when the
	// policy says so), the Switchboard-Guardrail header, and the answer's
	// redactor.
	sent        *llm.Request
	guardHeader string
	answer      *answerGuard
	// classified delivers a parallel classifier's verdict, once.
	classified chan classification
	verdict    *classification
}

// classification is a classifier's answer or failure.
type classification struct {
	found []guard.Finding
	err   error
}

// awaitClassifier waits for a parallel classifier before the first byte
// reaches the client, and refuses when the policy for t blocks what it
// found (or it failed and the policy is fail-closed).
func (x *exchange) awaitClassifier(t route.Target) error {
	if x.classified == nil {
		return nil
	}
	if x.verdict == nil {
		select {
		case v := <-x.classified:
			x.verdict = &v
		case <-x.r.Context().Done():
			return &switchboard.Error{Code: switchboard.ETIMEOUT, Message: "the client went away", Cause: x.r.Context().Err()}
		}
		if x.verdict.err != nil {
			x.h.opts.Logger.Warn("safety classifier failed", "request_id", x.rec.ID, "err", x.verdict.err)
		}
		x.scan.addClassifier(x.verdict.found)
		p, _ := x.snap.Guard.policy(x.rec.Principal.Tenant, t.Model.Vendor)
		x.rec.Findings = x.scan.findings(p)
	}
	return x.snap.Guard.classifierVerdict(x.snap.Guard.Classifier, x.verdict.found, x.verdict.err, x.rec.Principal.Tenant, t.Model.Vendor)
}

// run tries each target in order, retrying retryable failures with backoff,
// until one answers or all have failed. Nothing is written to the client
// until an upstream has produced its first event, so every failure before
// that can still be retried or fall back.
func (x *exchange) run(rt Route) error {
	var last error
	for i, t := range rt.Targets {
		x.targetIndex = i
		for attempt := 0; attempt <= x.h.opts.Retries; attempt++ {
			if attempt > 0 {
				if err := x.backoff(attempt, last); err != nil {
					return err
				}
			}
			x.rec.Attempts++
			err := x.try(t)
			if err == nil {
				return nil
			}
			var ue *provider.UpstreamError
			if !errors.As(err, &ue) {
				return err // written to the client already, or not worth retrying
			}
			x.countUpstreamError(t, ue)
			last = err
			if x.r.Context().Err() != nil {
				return &switchboard.Error{Code: switchboard.ETIMEOUT, Message: "the client went away", Cause: err}
			}
			if !ue.Retryable() {
				if i+1 < len(rt.Targets) && fallsBack(ue.Status) {
					break // the next target may be configured correctly
				}
				return x.upstreamError(t, ue)
			}
		}
	}
	var ue *provider.UpstreamError
	if errors.As(last, &ue) {
		return x.upstreamError(rt.Targets[len(rt.Targets)-1], ue)
	}
	return last
}

// fallsBack reports whether a non-retryable status is the provider's problem
// (its key, its catalog) rather than the request's, so another target may work.
func fallsBack(status int) bool {
	return status == 401 || status == 403 || status == 404
}

func (x *exchange) backoff(attempt int, last error) error {
	d := x.h.opts.Backoff << (attempt - 1)
	var ue *provider.UpstreamError
	if errors.As(last, &ue) && ue.RetryAfter > d && ue.RetryAfter <= 10*time.Second {
		d = ue.RetryAfter
	}
	d = d/2 + rand.N(d/2+1) // jitter: spread retries from many clients
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-x.r.Context().Done():
		return &switchboard.Error{Code: switchboard.ETIMEOUT, Message: "the client went away", Cause: x.r.Context().Err()}
	}
}

func (x *exchange) countUpstreamError(t route.Target, ue *provider.UpstreamError) {
	if m := x.h.opts.Metrics; m != nil {
		m.UpstreamErrors.WithLabelValues(t.Provider.Name, t.Model.ID, itoa(ue.Status)).Inc()
	}
	x.h.opts.Logger.Warn("upstream attempt failed", "request_id", x.rec.ID, "provider", t.Provider.Name,
		"model", t.Model.ID, "status", ue.Status, "err", ue.Err)
}

// upstreamError maps an upstream failure into the client's protocol.
func (x *exchange) upstreamError(t route.Target, ue *provider.UpstreamError) error {
	if ue.Status == 0 {
		code, msg := switchboard.EUNAVAILABLE, "the upstream provider for "+t.Model.ID+" could not be reached; try again shortly"
		if errors.Is(ue.Err, context.DeadlineExceeded) || errors.Is(ue.Err, provider.ErrIdle) {
			code, msg = switchboard.ETIMEOUT, "the upstream provider for "+t.Model.ID+" did not answer in time; try again shortly"
		}
		return &switchboard.Error{Code: code, Message: msg, Cause: ue}
	}
	up := x.h.opts.Codecs[protocol.Name(t.Provider.Protocol)]
	e := up.DecodeError(ue.Status, ue.Body)
	if ue.RetryAfter > 0 {
		e.RetryAfter = int((ue.RetryAfter + time.Second - 1) / time.Second)
	}
	return e
}

// passthrough reports whether the upstream speaks the client's protocol, in
// which case bytes pass through with only the model patched.
func (x *exchange) passthrough(t route.Target) bool {
	if protocol.Name(t.Provider.Protocol) != x.codec.Name() {
		return false
	}
	// A Gemini client streaming without alt=sse wants a JSON array; the
	// upstream is always asked for SSE, so that case is translated.
	return !(x.codec.Name() == protocol.Gemini && x.head.Stream && !x.target.SSE)
}

// canonical decodes the request once, when a target first needs it.
func (x *exchange) canonical() (*llm.Request, error) {
	if x.req == nil {
		req, err := x.codec.DecodeRequest(x.body, x.target)
		if err != nil {
			return nil, err
		}
		x.req = req
	}
	return x.req, nil
}

// upstreamBody is the request body for t.
func (x *exchange) upstreamBody(t route.Target, pass bool) ([]byte, error) {
	if !pass {
		req := x.sent
		if req == nil {
			var err error
			if req, err = x.canonical(); err != nil {
				return nil, err
			}
		}
		return x.h.opts.Codecs[protocol.Name(t.Provider.Protocol)].EncodeRequest(req, t.Model.Upstream)
	}
	switch x.codec.Name() {
	case protocol.Gemini:
		return x.body, nil // the model is in the URL
	case protocol.OpenAI:
		b, err := sjson.SetBytes(x.body, "model", t.Model.Upstream)
		if err != nil {
			return nil, err
		}
		if x.head.Stream && !x.head.IncludeUsage {
			// The gateway needs usage for every request; the extra chunk is
			// dropped before it reaches a client that did not ask for it.
			return sjson.SetBytes(b, "stream_options.include_usage", true)
		}
		return b, nil
	default:
		return sjson.SetBytes(x.body, "model", t.Model.Upstream)
	}
}

// try makes one attempt on t. It returns an *provider.UpstreamError when the
// attempt failed before anything reached the client.
func (x *exchange) try(t route.Target) error {
	pass := x.passthrough(t) && !x.modified
	x.sent, x.guardHeader, x.answer = x.req, "", nil
	if g := x.snap.Guard; g != nil {
		sent, findings, header, err := g.promptVerdict(x.req, x.scan, x.rec.Principal.Tenant, t.Model.Vendor)
		x.rec.Findings, x.guardHeader = findings, header
		if err != nil {
			x.w.Header().Set(HeaderGuardrail, header)
			return err // blocked: refused in the client's protocol, not retried
		}
		x.sent = sent
		x.answer = g.newAnswerGuard(x.rec.Principal.Tenant, t.Model.Vendor)
		// A redacted prompt, or an answer to redact, cannot pass through.
		pass = pass && sent == x.req && x.answer == nil
	}
	if x.capture && x.sent != nil {
		x.rec.Prompt = promptText(x.sent)
	}
	body, err := x.upstreamBody(t, pass)
	if err != nil {
		return err
	}
	resp, err := x.h.opts.Client.Do(x.r.Context(), provider.Call{Provider: t.Provider, Model: t.Model.Upstream, Stream: x.head.Stream, Body: body})
	if err != nil {
		return err
	}
	defer resp.Close()
	x.rec.ServedModel, x.rec.Provider, x.rec.Passthrough = t.Model.ID, t.Provider.Name, pass
	x.rec.Vendor, x.rec.Channel = t.Model.Vendor, t.Provider.Channel
	if x.head.Stream {
		return x.stream(t, resp, pass)
	}
	return x.whole(t, resp, pass)
}

func (x *exchange) setRouteHeaders(hd http.Header, t route.Target) {
	hd.Set(HeaderServedModel, t.Model.ID)
	hd.Set(HeaderVendor, t.Model.Vendor)
	if x.guardHeader != "" {
		hd.Set(HeaderGuardrail, x.guardHeader)
	}
	if i := x.targetIndex; i < len(x.route.PerTarget) {
		tp := x.route.PerTarget[i]
		if tp.Directive != "" && x.route.Directive == "" {
			hd.Set(HeaderDirective, tp.Directive)
		}
		if tp.Notice != "" && x.route.Notice == "" {
			hd.Set(HeaderNotice, headerSafe(tp.Notice))
		}
		if tp.Waiver != "" {
			hd.Set(HeaderWaiver, tp.Waiver)
		}
	}
}

// whole handles a non-streamed answer.
func (x *exchange) whole(t route.Target, resp *provider.Response, pass bool) error {
	raw, err := readAll(io.LimitReader(resp.Body, maxResponseBytes), resp.ContentLength)
	if err != nil {
		return &provider.UpstreamError{Status: 0, Err: err}
	}
	out := raw
	u, peeked := llm.Usage{}, false
	if pass && !x.capture {
		// Same protocol: the answer passes through; only its usage is read.
		u, peeked = peekUsage(x.codec.Name(), raw)
	}
	if peeked {
		x.rec.Usage = u
	} else {
		up := x.h.opts.Codecs[protocol.Name(t.Provider.Protocol)]
		r, err := up.DecodeResponse(raw)
		if err != nil {
			x.h.opts.Logger.Warn("upstream sent an answer the gateway cannot read", "request_id", x.rec.ID, "provider", t.Provider.Name, "err", err)
			return &provider.UpstreamError{Status: 502, Err: err, Body: nil}
		}
		x.rec.Usage = r.Usage
		if x.answer != nil {
			x.answer.redactWhole(r)
			x.rec.Findings = append(x.rec.Findings, x.answer.auditFindings()...)
		}
		if x.capture {
			x.rec.Response = answerText(r)
		}
		if !pass {
			if out, err = x.codec.EncodeResponse(r, x.clientModel(t)); err != nil {
				return err
			}
		}
	}
	hd := x.w.Header()
	x.setRouteHeaders(hd, t)
	hd.Set("Content-Type", "application/json")
	if err := x.awaitClassifier(t); err != nil {
		return err
	}
	x.rec.TTFB = x.h.opts.Now().Sub(x.rec.Start)
	x.rec.Status = http.StatusOK
	if err := x.h.commit(x.r.Context(), x.rec); err != nil {
		x.rec.Status = 0
		return &switchboard.Error{Code: errAuditUnavailable.Code, Message: errAuditUnavailable.Message, Cause: err}
	}
	x.w.WriteHeader(http.StatusOK)
	_, _ = x.w.Write(out)
	return nil
}

// clientModel is the model name shown in a translated answer: the catalog
// id that served it (the headers carry the requested one).
func (x *exchange) clientModel(t route.Target) string { return t.Model.ID }

// stream relays a streamed answer event by event. The bytes of the event
// that ends the stream (MessageStop or Error) are held until the request's
// record is committed, so a client that saw the stream complete has a record.
func (x *exchange) stream(t route.Target, resp *provider.Response, pass bool) error {
	up := x.h.opts.Codecs[protocol.Name(t.Provider.Protocol)]
	dec := up.NewStreamDecoder()
	enc := x.codec.NewStreamEncoder(x.clientModel(t), x.target, x.head.IncludeUsage)
	rc := http.NewResponseController(x.w)
	dropUsage := pass && x.codec.Name() == protocol.OpenAI && !x.head.IncludeUsage
	geminiPass := pass && x.codec.Name() == protocol.Gemini

	var (
		p         sse.Parser
		early     error // the classifier's refusal, met while sending the first bytes
		gone      bool  // the client went away while the first bytes were sent
		send      func() bool
		folder    llm.Folder
		committed bool
		terminal  bool
		holdFrom  = -1 // offset in out where the terminal event's bytes start
	)
	// The read buffer and the output buffer come from a pool: allocated per
	// stream they were a quarter of the gateway's allocated bytes, and so
	// of its GC work. Nothing outlives the stream: events, the fold and
	// the record copy what they keep.
	bufs := streamBufs.Get().(*streamBuf)
	defer bufs.put()
	buf, out := bufs.read[:], bufs.out[:0]
	defer func() { bufs.out = out }()
	emitOut := func(ev llm.Event) {
		folder.Add(ev)
		if ev.Type == llm.EventMessageStop || ev.Type == llm.EventError {
			terminal = true
		}
		if !pass {
			out = enc.Encode(out, ev)
		}
	}
	emit := emitOut
	if x.answer != nil {
		emit = func(ev llm.Event) { x.answer.filter(ev, emitOut) }
	}
	markTerminal := func(start int) {
		if terminal && holdFrom < 0 {
			holdFrom = start
		}
	}
	onEvent := func(ev sse.Event) error {
		start := len(out)
		if err := dec.Decode(ev, emit); err != nil {
			return err
		}
		if pass && !(dropUsage && isUsageOnlyChunk(ev.Data)) {
			out = sse.AppendEvent(out, string(ev.Name), ev.Data)
		}
		if pass && geminiPass && bytes.Contains(ev.Data, finishReasonKey) {
			// Gemini's stream just ends; its decoder stops at EOF. The chunk
			// with finishReason is the one that completes the answer, so it
			// waits for the record like any protocol's terminal event.
			terminal = true
		}
		markTerminal(start)
		if !committed && holdFrom < 0 && len(out) > 0 {
			// The answer's first bytes leave now, not after the rest of
			// this read is decoded: they are the time to first byte. (A
			// terminal event is never sent early: the record must see the
			// events after it, such as a usage chunk, before it commits.)
			if err := x.awaitClassifier(t); err != nil {
				early = err
				return errStopStream
			}
			if !send() {
				gone = true
				return errStopStream
			}
		}
		return nil
	}
	commit := func() {
		hd := x.w.Header()
		x.setRouteHeaders(hd, t)
		hd.Set("Content-Type", enc.ContentType())
		hd.Set("Cache-Control", "no-cache")
		hd.Set("X-Accel-Buffering", "no")
		x.w.WriteHeader(http.StatusOK)
		x.rec.Status = http.StatusOK
		x.rec.TTFB = x.h.opts.Now().Sub(x.rec.Start)
		committed = true
	}
	// send writes out, holding the terminal bytes until the record is
	// committed. It reports false when the client has gone.
	send = func() bool {
		if len(out) == 0 {
			return true
		}
		if !committed {
			commit()
		}
		ok := true
		if holdFrom >= 0 && !x.rec.committed {
			if _, err := x.w.Write(out[:holdFrom]); err != nil {
				ok = false
			}
			_ = rc.Flush()
			x.finishUsage(&folder)
			if err := x.h.commit(x.r.Context(), x.rec); err != nil {
				x.h.opts.Logger.Error("audit record not committed; ending the stream with an error", "request_id", x.rec.ID, "err", err)
				out = x.errorEvent(t, out[:0], errAuditUnavailable)
				holdFrom = 0
			}
		} else {
			holdFrom = 0
		}
		if _, err := x.w.Write(out[holdFrom:]); err != nil {
			ok = false
		}
		_ = rc.Flush()
		out, holdFrom = out[:0], -1
		return ok
	}
	fail := func(e *switchboard.Error) error {
		// The stream has started: record, then end it with the protocol's
		// own error event.
		x.rec.ErrorCode = e.Code
		x.finishUsage(&folder)
		if !committed {
			commit()
		}
		_ = x.h.commit(x.r.Context(), x.rec)
		out = x.errorEvent(t, out, e)
		holdFrom = -1
		send()
		return nil
	}
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if err := p.Feed(buf[:n], onEvent); err != nil {
				switch {
				case early != nil:
					return early
				case gone:
					x.finishUsage(&folder)
					return nil // as below: its context cancels the upstream
				}
				if !committed {
					return &provider.UpstreamError{Status: 502, Err: err}
				}
				return fail(upstreamBroke(t, err))
			}
		}
		if rerr == io.EOF {
			_ = p.Flush(onEvent)
			start := len(out)
			if err := dec.Finish(emit); err != nil {
				if !committed && len(out) == 0 {
					return &provider.UpstreamError{Status: 502, Err: err}
				}
				return fail(upstreamBroke(t, err))
			}
			markTerminal(start)
		}
		if !committed && len(out) > 0 {
			if err := x.awaitClassifier(t); err != nil {
				return err
			}
		}
		if !send() {
			x.finishUsage(&folder)
			return nil // the client went away; its context cancels the upstream
		}
		if rerr != nil {
			x.finishUsage(&folder)
			if rerr == io.EOF {
				return nil
			}
			if !committed {
				return &provider.UpstreamError{Status: 0, Err: rerr}
			}
			if x.r.Context().Err() != nil {
				return nil
			}
			return fail(upstreamBroke(t, rerr))
		}
	}
}

// errStopStream stops the parsing of a read whose first bytes could not
// be sent; the reason is kept beside it.
var errStopStream = errors.New("proxy: stream stopped")

// streamBuf is one stream's read buffer and output buffer. The read buffer
// is 8 KiB: an event is far smaller, a larger burst takes one more read,
// and 32 KiB per concurrent stream was a visible share of peak memory.
type streamBuf struct {
	read [8 << 10]byte
	out  []byte
}

var streamBufs = sync.Pool{New: func() any { return new(streamBuf) }}

// put returns b to the pool, dropping an output buffer grown unusually
// large so that one huge answer does not pin its memory.
func (b *streamBuf) put() {
	if cap(b.out) > 256<<10 {
		b.out = nil
	}
	streamBufs.Put(b)
}

// errorEvent appends the client protocol's stream error event for e.
func (x *exchange) errorEvent(t route.Target, dst []byte, e *switchboard.Error) []byte {
	return x.codec.NewStreamEncoder(x.clientModel(t), x.target, false).Encode(dst, llm.Event{Type: llm.EventError, Err: e})
}

// finishUsage completes the record from the folded stream: usage, the
// answer's guardrail findings, and the answer text when captured.
func (x *exchange) finishUsage(f *llm.Folder) {
	if x.rec.committed {
		return
	}
	r := f.Response()
	x.rec.Usage = r.Usage
	if x.answer != nil {
		x.rec.Findings = append(x.rec.Findings, x.answer.auditFindings()...)
		x.answer.findings = nil
	}
	if x.capture {
		x.rec.Response = answerText(r)
	}
}

// promptText is the request's text for content capture: system
// instructions and every text part, one per line.
func promptText(r *llm.Request) string {
	var b strings.Builder
	for _, s := range r.System {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	for _, m := range r.Messages {
		for _, p := range m.Parts {
			switch p.Kind {
			case llm.PartText:
				b.WriteString(string(m.Role) + ": " + p.Text + "\n")
			case llm.PartToolResult:
				b.WriteString("tool: " + p.ToolResult.Content + "\n")
			}
		}
	}
	return b.String()
}

// answerText is the text of an answer, for content capture.
func answerText(r *llm.Response) string {
	var b strings.Builder
	for _, p := range r.Content {
		if p.Kind == llm.PartText {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func upstreamBroke(t route.Target, err error) *switchboard.Error {
	code := switchboard.EUPSTREAM
	if errors.Is(err, provider.ErrIdle) || errors.Is(err, context.DeadlineExceeded) {
		code = switchboard.ETIMEOUT
	}
	return &switchboard.Error{Code: code, Message: "the upstream provider for " + t.Model.ID + " ended the stream early; try again", Cause: err}
}

var finishReasonKey = []byte(`"finishReason"`)

// isUsageOnlyChunk recognises OpenAI's final usage chunk (choices: []).
func isUsageOnlyChunk(data []byte) bool {
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	ch := gjson.GetBytes(data, "choices")
	return ch.IsArray() && len(ch.Array()) == 0 && gjson.GetBytes(data, "usage").IsObject()
}
