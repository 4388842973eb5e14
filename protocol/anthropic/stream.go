package anthropic

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/internal/jsonw"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

// NewStreamEncoder returns an encoder that writes the API's event stream:
// message_start, then content_block_start/delta/stop for each block with
// indexes 0, 1, 2… whatever the canonical ones, then message_delta (stop
// reason and the cumulative usage, input included) and message_stop. Usage
// that arrives before the first block goes into message_start. Empty text
// and thinking blocks are left out. includeUsage is ignored: the API always
// streams usage.
func (codec) NewStreamEncoder(model string, _ protocol.Target, _ bool) protocol.StreamEncoder {
	return &streamEncoder{model: model}
}

type streamEncoder struct {
	model   string
	id      string
	usage   llm.Usage
	started bool // message_start is written
	done    bool

	open     bool // a canonical block is open
	index    int  // its canonical index
	kind     llm.BlockKind
	written  bool // its content_block_start is written
	redacted bool
	out      int // the next output index
	buf      []byte
}

func (e *streamEncoder) ContentType() string { return "text/event-stream" }

func (e *streamEncoder) Encode(dst []byte, ev llm.Event) []byte {
	if e.done {
		return dst
	}
	switch ev.Type {
	case llm.EventMessageStart:
		if e.id == "" {
			e.id = messageID(ev.ID)
			if e.model == "" {
				e.model = ev.Model
			}
		}
	case llm.EventUsage:
		e.usage = ev.Usage
	case llm.EventBlockStart:
		dst = e.start(dst)
		dst = e.closeBlock(dst)
		e.open, e.index, e.kind, e.written, e.redacted = true, ev.Index, ev.Kind, false, false
		if ev.Kind == llm.BlockToolCall {
			id := ev.ToolID
			if id == "" {
				id = newID("toolu_")
			}
			b := e.blockStart(`{"type":"tool_use","id":`)
			b = jsonw.AppendString(b, ToolID(id))
			b = append(b, `,"name":`...)
			b = jsonw.AppendString(b, ev.ToolName)
			b = append(b, `,"input":{}}}`...)
			dst = e.emit(dst, "content_block_start", b)
		}
	case llm.EventBlockDelta:
		if e.open && ev.Index == e.index {
			dst = e.delta(dst, &ev)
		}
	case llm.EventBlockStop:
		if e.open && ev.Index == e.index {
			dst = e.closeBlock(dst)
		}
	case llm.EventMessageStop:
		dst = e.start(dst)
		dst = e.closeBlock(dst)
		b := append(e.buf[:0], `{"type":"message_delta","delta":{"stop_reason":`...)
		sr := stopReason(ev.StopReason, ev.StopSequence)
		b = jsonw.AppendString(b, sr)
		b = append(b, `,"stop_sequence":`...)
		if sr == "stop_sequence" {
			b = jsonw.AppendString(b, ev.StopSequence)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, `},"usage":`...)
		b = appendUsage(b, e.usage)
		b = append(b, '}')
		dst = e.emit(dst, "message_delta", b)
		dst = sse.AppendEvent(dst, "message_stop", []byte(`{"type":"message_stop"}`))
		e.done = true
	case llm.EventError:
		err := ev.Err
		if err == nil {
			err = &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "the upstream stream failed"}
		}
		b := append(e.buf[:0], `{"type":"error","error":{"type":`...)
		b = jsonw.AppendString(b, errorType(err.Code, err.HTTPStatus()))
		b = append(b, `,"message":`...)
		b = jsonw.AppendString(b, err.Message)
		b = append(b, "}}"...)
		dst = e.emit(dst, "error", b)
		e.done = true
	}
	return dst
}

func (e *streamEncoder) emit(dst []byte, name string, data []byte) []byte {
	e.buf = data
	return sse.AppendEvent(dst, name, data)
}

// start writes message_start once.
func (e *streamEncoder) start(dst []byte) []byte {
	if e.started {
		return dst
	}
	e.started = true
	if e.id == "" {
		e.id = messageID("")
	}
	b := append(e.buf[:0], `{"type":"message_start","message":{"id":`...)
	b = jsonw.AppendString(b, e.id)
	b = append(b, `,"type":"message","role":"assistant","model":`...)
	b = jsonw.AppendString(b, e.model)
	b = append(b, `,"content":[],"stop_reason":null,"stop_sequence":null,"usage":`...)
	b = appendUsage(b, e.usage)
	b = append(b, "}}"...)
	return e.emit(dst, "message_start", b)
}

// appendUsage writes the API's usage object. input_tokens excludes cache.
func appendUsage(b []byte, u llm.Usage) []byte {
	w := wireUsage(u)
	b = append(b, `{"input_tokens":`...)
	b = appendInt(b, w.InputTokens)
	b = append(b, `,"cache_creation_input_tokens":`...)
	b = appendInt(b, w.CacheCreationInputTokens)
	b = append(b, `,"cache_read_input_tokens":`...)
	b = appendInt(b, w.CacheReadInputTokens)
	b = append(b, `,"output_tokens":`...)
	b = appendInt(b, w.OutputTokens)
	if w.OutputTokensDetails != nil {
		b = append(b, `,"output_tokens_details":{"thinking_tokens":`...)
		b = appendInt(b, w.OutputTokensDetails.ThinkingTokens)
		b = append(b, '}')
	}
	return append(b, '}')
}

// blockStart begins a content_block_start payload for the open block and
// gives it the next output index; content is its content_block's start.
func (e *streamEncoder) blockStart(content string) []byte {
	e.written = true
	b := append(e.buf[:0], `{"type":"content_block_start","index":`...)
	b = appendInt(b, e.out)
	b = append(b, `,"content_block":`...)
	return append(b, content...)
}

func (e *streamEncoder) deltaStart(typ string) []byte {
	b := append(e.buf[:0], `{"type":"content_block_delta","index":`...)
	b = appendInt(b, e.out)
	b = append(b, `,"delta":{"type":"`...)
	b = append(b, typ...)
	return append(b, `",`...)
}

func (e *streamEncoder) delta(dst []byte, ev *llm.Event) []byte {
	switch e.kind {
	case llm.BlockText:
		if ev.Text == "" {
			return dst
		}
		if !e.written {
			dst = e.emit(dst, "content_block_start", e.blockStart(`{"type":"text","text":""}}`))
		}
		b := append(e.deltaStart("text_delta"), `"text":`...)
		b = jsonw.AppendString(b, ev.Text)
		return e.emit(dst, "content_block_delta", append(b, "}}"...))
	case llm.BlockToolCall:
		if ev.Text == "" {
			return dst
		}
		b := append(e.deltaStart("input_json_delta"), `"partial_json":`...)
		b = jsonw.AppendString(b, ev.Text)
		return e.emit(dst, "content_block_delta", append(b, "}}"...))
	case llm.BlockThinking:
		if e.redacted || (ev.Text == "" && ev.Signature == "") {
			return dst
		}
		if !e.written {
			if data, ok := strings.CutPrefix(ev.Signature, RedactedPrefix); ok && ev.Text == "" {
				b := e.blockStart(`{"type":"redacted_thinking","data":`)
				b = jsonw.AppendString(b, data)
				e.redacted = true
				return e.emit(dst, "content_block_start", append(b, "}}"...))
			}
			dst = e.emit(dst, "content_block_start", e.blockStart(`{"type":"thinking","thinking":"","signature":""}}`))
		}
		if ev.Text != "" {
			b := append(e.deltaStart("thinking_delta"), `"thinking":`...)
			b = jsonw.AppendString(b, ev.Text)
			dst = e.emit(dst, "content_block_delta", append(b, "}}"...))
		}
		if ev.Signature != "" {
			b := append(e.deltaStart("signature_delta"), `"signature":`...)
			b = jsonw.AppendString(b, ev.Signature)
			dst = e.emit(dst, "content_block_delta", append(b, "}}"...))
		}
	}
	return dst
}

// closeBlock ends the open block, if its start was written.
func (e *streamEncoder) closeBlock(dst []byte) []byte {
	if !e.open {
		return dst
	}
	e.open = false
	if !e.written {
		return dst
	}
	b := append(e.buf[:0], `{"type":"content_block_stop","index":`...)
	b = appendInt(b, e.out)
	e.out++
	return e.emit(dst, "content_block_stop", append(b, '}'))
}

// NewStreamDecoder returns a decoder for an upstream's event stream. Input
// usage comes from message_start, the cumulative counts from message_delta
// (which may restate the input counts); ping and unknown events are
// ignored, as are blocks with no canonical form (server tool use).
func (codec) NewStreamDecoder() protocol.StreamDecoder {
	return &streamDecoder{open: -1}
}

// maxBlocks bounds the block indexes a stream may use.
const maxBlocks = 1 << 16

type streamDecoder struct {
	ev      streamEvent
	started bool
	done    bool // message_stop or error seen
	usage   llm.Usage
	stop    string
	seq     string
	idx     []int // upstream index → canonical index; -1 skipped, -2 closed
	open    int   // upstream index of the open canonical block, or -1
	next    int   // the next canonical index
}

func upstreamErr(msg string, cause error) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.EUPSTREAM, Message: msg, Cause: cause}
}

func (d *streamDecoder) Decode(sev sse.Event, emit func(llm.Event)) error {
	if d.done {
		return nil
	}
	if string(sev.Name) == "ping" {
		return nil
	}
	if ok, err := d.fastDelta(sev.Data, emit); ok {
		return err
	}
	ev := &d.ev
	*ev = streamEvent{}
	if err := json.Unmarshal(sev.Data, ev); err != nil {
		if string(sev.Name) == "error" {
			d.done = true
			emit(llm.Event{Type: llm.EventError, Err: upstreamErr("the upstream stream failed: "+strings.ToValidUTF8(string(sev.Data), ""), nil)})
			return nil
		}
		return upstreamErr("the upstream sent a malformed stream event", err)
	}
	if string(sev.Name) == "error" || ev.Type == "error" {
		d.done = true
		e := &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "the upstream stream failed"}
		if ev.Error != nil {
			if c := codeOf(ev.Error.Type); c != "" {
				e.Code = c
			}
			if ev.Error.Message != "" {
				e.Message = ev.Error.Message
			}
		}
		emit(llm.Event{Type: llm.EventError, Err: e})
		return nil
	}
	switch ev.Type {
	case "message_start":
		if d.started {
			return nil
		}
		if ev.Message == nil {
			return upstreamErr("the upstream sent message_start without a message", nil)
		}
		d.started = true
		d.usage = canonicalUsage(ev.Message.Usage)
		emit(llm.Event{Type: llm.EventMessageStart, ID: ev.Message.ID, Model: ev.Message.Model})
		emit(llm.Event{Type: llm.EventUsage, Usage: d.usage})
	case "content_block_start":
		if !d.started {
			return upstreamErr("the upstream sent content_block_start before message_start", nil)
		}
		return d.blockStart(ev, emit)
	case "content_block_delta":
		c, err := d.block(ev.Index)
		if err != nil || c < 0 {
			return err
		}
		out := llm.Event{Type: llm.EventBlockDelta, Index: c}
		switch ev.Delta.Type {
		case "text_delta":
			out.Text = ev.Delta.Text
		case "input_json_delta":
			out.Text = ev.Delta.PartialJSON
		case "thinking_delta":
			out.Text = ev.Delta.Thinking
		case "signature_delta":
			out.Signature = ev.Delta.Signature
		default:
			return nil // citations and deltas yet to come
		}
		if out.Text != "" || out.Signature != "" {
			emit(out)
		}
	case "content_block_stop":
		c, err := d.block(ev.Index)
		if err != nil || c < 0 {
			return err
		}
		d.idx[ev.Index] = -2
		d.open = -1
		emit(llm.Event{Type: llm.EventBlockStop, Index: c})
	case "message_delta":
		if !d.started {
			return upstreamErr("the upstream sent message_delta before message_start", nil)
		}
		if ev.Delta.StopReason != nil {
			d.stop = *ev.Delta.StopReason
		}
		if ev.Delta.StopSequence != nil {
			d.seq = *ev.Delta.StopSequence
		}
		if u := ev.Usage; u != nil {
			d.mergeUsage(u)
			emit(llm.Event{Type: llm.EventUsage, Usage: d.usage})
		}
	case "message_stop":
		if !d.started {
			return upstreamErr("the upstream sent message_stop before message_start", nil)
		}
		d.closeOpen(emit)
		d.done = true
		stop := canonicalStop(d.stop)
		if stop == "" {
			stop = llm.StopEnd
		}
		emit(llm.Event{Type: llm.EventMessageStop, StopReason: stop, StopSequence: d.seq})
	}
	return nil
}

const deltaPrefix = `{"type":"content_block_delta","index":`

// deltaForms are the delta shapes fastDelta knows, up to the value's quote.
var deltaForms = [...][]byte{
	[]byte(`,"delta":{"type":"text_delta","text":`),
	[]byte(`,"delta":{"type":"input_json_delta","partial_json":`),
	[]byte(`,"delta":{"type":"thinking_delta","thinking":`),
}

// fastDelta decodes a content_block_delta in the API's compact form without
// encoding/json: most events of a stream are these. It reports false for
// anything else, which then takes the general path.
func (d *streamDecoder) fastDelta(data []byte, emit func(llm.Event)) (bool, error) {
	if !bytes.HasPrefix(data, []byte(deltaPrefix)) {
		return false, nil
	}
	i, index := len(deltaPrefix), 0
	for ; i < len(data) && data[i] >= '0' && data[i] <= '9' && index < maxBlocks; i++ {
		index = index*10 + int(data[i]-'0')
	}
	if i == len(deltaPrefix) || (data[len(deltaPrefix)] == '0' && i > len(deltaPrefix)+1) {
		return false, nil
	}
	rest := data[i:]
	var v []byte
	for _, p := range deltaForms {
		if bytes.HasPrefix(rest, p) {
			v = rest[len(p):]
			break
		}
	}
	if len(v) == 0 || v[0] != '"' {
		return false, nil
	}
	end, escaped := scanString(v, 0)
	if end > len(v) || string(v[end:]) != "}}" {
		return false, nil
	}
	var text string
	if escaped || !utf8.Valid(v[1:end-1]) {
		if json.Unmarshal(v[:end], &text) != nil {
			return false, nil
		}
	} else {
		text = string(v[1 : end-1])
	}
	c, err := d.block(index)
	if err != nil || c < 0 || text == "" {
		return true, err
	}
	emit(llm.Event{Type: llm.EventBlockDelta, Index: c, Text: text})
	return true, nil
}

func (d *streamDecoder) mergeUsage(u *deltaUsage) {
	w := wireUsage(d.usage)
	if u.InputTokens != nil {
		w.InputTokens = *u.InputTokens
	}
	if u.CacheCreationInputTokens != nil {
		w.CacheCreationInputTokens = *u.CacheCreationInputTokens
	}
	if u.CacheReadInputTokens != nil {
		w.CacheReadInputTokens = *u.CacheReadInputTokens
	}
	if u.OutputTokens != nil {
		w.OutputTokens = *u.OutputTokens
	}
	if u.OutputTokensDetails != nil {
		w.OutputTokensDetails = u.OutputTokensDetails
	}
	d.usage = canonicalUsage(w)
}

func (d *streamDecoder) closeOpen(emit func(llm.Event)) {
	if d.open >= 0 {
		emit(llm.Event{Type: llm.EventBlockStop, Index: d.idx[d.open]})
		d.idx[d.open] = -2
		d.open = -1
	}
}

// block returns the canonical index for an upstream one: -1 for a skipped
// block, an error for one never started or already closed.
func (d *streamDecoder) block(i int) (int, error) {
	if i < 0 || i >= len(d.idx) {
		return 0, upstreamErr("the upstream sent an event for a content block that was never started", nil)
	}
	c := d.idx[i]
	if c == -2 {
		return 0, upstreamErr("the upstream interleaved content blocks, which the gateway cannot translate", nil)
	}
	return c, nil
}

func (d *streamDecoder) blockStart(ev *streamEvent, emit func(llm.Event)) error {
	i := ev.Index
	if i < len(d.idx) || i >= maxBlocks {
		return upstreamErr("the upstream sent content_block_start with an out-of-order index", nil)
	}
	for len(d.idx) < i {
		d.idx = append(d.idx, -1)
	}
	cb := ev.ContentBlock
	if cb == nil {
		return upstreamErr("the upstream sent content_block_start without a content_block", nil)
	}
	start := llm.Event{Type: llm.EventBlockStart}
	var first llm.Event
	switch cb.Type {
	case "text":
		start.Kind = llm.BlockText
		first.Text = str(cb.Text)
	case "tool_use":
		start.Kind, start.ToolID, start.ToolName = llm.BlockToolCall, str(cb.ID), str(cb.Name)
		if in := strings.TrimSpace(string(cb.Input)); in != "" && in != "{}" && in != "null" {
			first.Text = in
		}
	case "thinking":
		start.Kind = llm.BlockThinking
		first.Text, first.Signature = str(cb.Thinking), str(cb.Signature)
	case "redacted_thinking":
		start.Kind = llm.BlockThinking
		first.Signature = RedactedPrefix + str(cb.Data)
	default:
		d.idx = append(d.idx, -1)
		return nil
	}
	d.closeOpen(emit)
	start.Index = d.next
	d.idx = append(d.idx, d.next)
	d.open = i
	d.next++
	emit(start)
	if first.Text != "" || first.Signature != "" {
		first.Type, first.Index = llm.EventBlockDelta, start.Index
		emit(first)
	}
	return nil
}

// Finish reports a stream that ended before message_stop.
func (d *streamDecoder) Finish(func(llm.Event)) error {
	if d.done {
		return nil
	}
	if !d.started {
		return upstreamErr("the upstream stream ended before message_start", nil)
	}
	return upstreamErr("the upstream stream ended before message_stop", nil)
}
