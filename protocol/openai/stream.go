package openai

import (
	"bytes"
	"sort"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/internal/jsonw"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/sse"
)

// ---- encoder: canonical events → chat.completion.chunk SSE ----

// streamEncoder writes the chunks of one streamed chat completion. Every
// chunk carries the same id and created time (openai-go's accumulator
// rejects a changing id); tool calls are numbered 0, 1, … in the order they
// start, whatever their canonical block index.
type streamEncoder struct {
	model        string
	includeUsage bool

	head      []byte // {"id":…,"object":…,"created":…,"model":…,"choices":[
	started   bool
	done      bool
	blocks    []blockInfo // by canonical index
	toolCalls int
	usage     llm.Usage
}

// maxBlockGap bounds how far a BlockStart index may jump ahead, so a broken
// event cannot make the encoder allocate without end.
const maxBlockGap = 1024

type blockInfo struct {
	kind llm.BlockKind
	tool int // OpenAI tool-call index of a tool-call block
}

func newStreamEncoder(model string, includeUsage bool) *streamEncoder {
	return &streamEncoder{model: model, includeUsage: includeUsage}
}

func (e *streamEncoder) ContentType() string { return "text/event-stream" }

func (e *streamEncoder) start(id, model string, dst []byte) []byte {
	e.started = true
	if e.model != "" {
		model = e.model
	}
	h := make([]byte, 0, 96+len(id)+len(model))
	h = append(h, `{"id":`...)
	h = jsonw.AppendString(h, completionID(id))
	h = append(h, `,"object":"chat.completion.chunk","created":`...)
	h = appendInt(h, now().Unix())
	h = append(h, `,"model":`...)
	h = jsonw.AppendString(h, model)
	h = append(h, `,"choices":[`...)
	e.head = h
	return e.appendChunk(dst, `{"role":"assistant","content":"","refusal":null}`, "", "")
}

// appendChunk appends one chunk whose delta is the JSON object made of
// deltaHead, the JSON string text (when deltaHead ends in ':') and
// deltaTail; finish is the finish_reason, "" for null.
func (e *streamEncoder) appendChunk(dst []byte, deltaHead, text, deltaTail string) []byte {
	dst = append(dst, "data: "...)
	dst = append(dst, e.head...)
	dst = append(dst, `{"index":0,"delta":`...)
	dst = append(dst, deltaHead...)
	if deltaHead[len(deltaHead)-1] == ':' {
		dst = jsonw.AppendString(dst, text)
	}
	dst = append(dst, deltaTail...)
	dst = append(dst, `,"logprobs":null,"finish_reason":null}]`...)
	if e.includeUsage {
		dst = append(dst, `,"usage":null`...)
	}
	return append(dst, "}\n\n"...)
}

func (e *streamEncoder) Encode(dst []byte, ev llm.Event) []byte {
	if e.done {
		return dst
	}
	if !e.started {
		if ev.Type == llm.EventError {
			return e.appendError(dst, ev.Err)
		}
		dst = e.start(ev.ID, ev.Model, dst)
		if ev.Type == llm.EventMessageStart {
			return dst
		}
	}
	switch ev.Type {
	case llm.EventBlockStart:
		if ev.Index < 0 || ev.Index > len(e.blocks)+maxBlockGap {
			return dst // not a well-formed canonical stream; nothing sensible to write
		}
		for len(e.blocks) <= ev.Index {
			e.blocks = append(e.blocks, blockInfo{})
		}
		b := &e.blocks[ev.Index]
		b.kind = ev.Kind
		if ev.Kind != llm.BlockToolCall {
			return dst
		}
		b.tool = e.toolCalls
		e.toolCalls++
		id := ev.ToolID
		if id == "" {
			id = randomID("call_", 24)
		}
		dst = append(dst, "data: "...)
		dst = append(dst, e.head...)
		dst = append(dst, `{"index":0,"delta":{"tool_calls":[{"index":`...)
		dst = appendInt(dst, int64(b.tool))
		dst = append(dst, `,"id":`...)
		dst = jsonw.AppendString(dst, id)
		dst = append(dst, `,"type":"function","function":{"name":`...)
		dst = jsonw.AppendString(dst, ev.ToolName)
		dst = append(dst, `,"arguments":""}}]},"logprobs":null,"finish_reason":null}]`...)
		if e.includeUsage {
			dst = append(dst, `,"usage":null`...)
		}
		return append(dst, "}\n\n"...)
	case llm.EventBlockDelta:
		if ev.Text == "" || ev.Index < 0 || ev.Index >= len(e.blocks) {
			return dst
		}
		switch b := e.blocks[ev.Index]; b.kind {
		case llm.BlockText:
			return e.appendChunk(dst, `{"content":`, ev.Text, "}")
		case llm.BlockToolCall:
			dst = append(dst, "data: "...)
			dst = append(dst, e.head...)
			dst = append(dst, `{"index":0,"delta":{"tool_calls":[{"index":`...)
			dst = appendInt(dst, int64(b.tool))
			dst = append(dst, `,"function":{"arguments":`...)
			dst = jsonw.AppendString(dst, ev.Text)
			dst = append(dst, `}}]},"logprobs":null,"finish_reason":null}]`...)
			if e.includeUsage {
				dst = append(dst, `,"usage":null`...)
			}
			return append(dst, "}\n\n"...)
		}
		// Thinking has no place in Chat Completions.
		return dst
	case llm.EventUsage:
		e.usage = ev.Usage
	case llm.EventMessageStop:
		e.done = true
		dst = append(dst, "data: "...)
		dst = append(dst, e.head...)
		dst = append(dst, `{"index":0,"delta":{},"logprobs":null,"finish_reason":"`...)
		dst = append(dst, finishReason(ev.StopReason, e.toolCalls > 0)...)
		dst = append(dst, `"}]`...)
		if e.includeUsage {
			dst = append(dst, `,"usage":null}`+"\n\n"+"data: "...)
			dst = append(dst, e.head...)
			dst = append(dst, `],"usage":`...)
			dst = appendUsage(dst, e.usage)
		}
		return append(dst, "}\n\ndata: [DONE]\n\n"...)
	case llm.EventError:
		return e.appendError(dst, ev.Err)
	}
	return dst
}

// appendError ends the stream with {"error":{…}}, which openai-go turns into
// an error; no [DONE] follows.
func (e *streamEncoder) appendError(dst []byte, err *switchboard.Error) []byte {
	e.done = true
	if err == nil {
		err = &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "the upstream stream failed"}
	}
	dst = append(dst, "data: "...)
	dst = appendErrorObject(dst, err)
	return append(dst, "\n\n"...)
}

func appendUsage(dst []byte, u llm.Usage) []byte {
	dst = append(dst, `{"prompt_tokens":`...)
	dst = appendInt(dst, int64(u.Input))
	dst = append(dst, `,"completion_tokens":`...)
	dst = appendInt(dst, int64(u.Output))
	dst = append(dst, `,"total_tokens":`...)
	dst = appendInt(dst, int64(u.Total()))
	dst = append(dst, `,"prompt_tokens_details":{"cached_tokens":`...)
	dst = appendInt(dst, int64(u.CacheRead))
	dst = append(dst, `,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":`...)
	dst = appendInt(dst, int64(u.Reasoning))
	return append(dst, `,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`...)
}

// ---- decoder: upstream chunks → canonical events ----

// streamDecoder turns an upstream's chat.completion.chunk stream into
// canonical events, tolerating what OpenAI-compatible servers (vLLM,
// Ollama, llama.cpp) do differently: missing fields, usage in the final
// chunk, empty choices, no [DONE], reasoning_content deltas.
//
// Tool calls: OpenAI lets the argument fragments of parallel calls
// interleave, but canonical blocks may not overlap. The first tool call
// streams live and its block stays open until the choice finishes; any
// other call, and any text that follows a tool call, is buffered and emitted
// whole, in OpenAI index order, when finish_reason (or [DONE], or the end)
// arrives. With one call, or calls that arrive whole (vLLM, Ollama), nothing
// is delayed that a client would see.
type streamDecoder struct {
	started   bool
	done      bool
	sawFinish bool
	finish    string
	refused   bool

	next     int           // next canonical block index
	open     int           // canonical index of the open block, or -1
	openKind llm.BlockKind // kind of the open block
	live     int           // OpenAI index of the live tool call, or -1
	emitted  []int         // OpenAI indexes of tool calls already emitted
	pending  []pendingCall // buffered tool calls
	tail     []tailPart    // buffered text after the live tool call
	calls    int           // tool calls emitted

	usage    llm.Usage
	hasUsage bool
	c        chunk
}

type pendingCall struct {
	index    int
	id, name string
	args     []byte
}

type tailPart struct {
	kind llm.BlockKind
	text []byte
}

func newStreamDecoder() *streamDecoder {
	return &streamDecoder{open: -1, live: -1}
}

var doneMarker = []byte("[DONE]")

func upstreamErr(msg string, cause error) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.EUPSTREAM, Message: msg, Cause: cause}
}

func (d *streamDecoder) Decode(ev sse.Event, emit func(llm.Event)) error {
	if d.done {
		return nil
	}
	data := bytes.TrimSpace(ev.Data)
	if len(data) == 0 {
		return nil
	}
	if bytes.Equal(data, doneMarker) {
		d.complete(emit)
		return nil
	}
	if err := parseChunk(data, &d.c, !d.started); err != nil {
		return upstreamErr("the upstream sent a stream chunk the gateway could not parse", err)
	}
	c := &d.c
	if len(c.Error) > 0 && !isNull(c.Error) {
		d.done = true
		obj, _ := parseErrorObject(data)
		emit(llm.Event{Type: llm.EventError, Err: streamError(&obj)})
		return nil
	}
	if !d.started {
		if c.ID == "" && len(c.Choices) == 0 && c.Usage == nil {
			return nil // Azure's prompt_filter_results chunk
		}
		d.started = true
		emit(llm.Event{Type: llm.EventMessageStart, ID: c.ID, Model: c.Model})
	}
	for i := range c.Choices {
		ch := &c.Choices[i]
		if ch.Index != 0 {
			continue // n > 1: the canonical model has one answer
		}
		dl := &ch.Delta
		if t := dl.ReasoningContent + dl.Reasoning; t != "" {
			d.text(llm.BlockThinking, t, emit)
		}
		if dl.Content != "" {
			d.text(llm.BlockText, dl.Content, emit)
		}
		if dl.Refusal != "" {
			d.refused = true
			d.text(llm.BlockText, dl.Refusal, emit)
		}
		for j := range dl.ToolCalls {
			d.toolDelta(&dl.ToolCalls[j], emit)
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			d.sawFinish = true
			d.finish = *ch.FinishReason
			d.flush(emit)
		}
	}
	if c.Usage != nil {
		d.usage, d.hasUsage = canonicalUsage(c.Usage), true
	}
	return nil
}

func (d *streamDecoder) closeOpen(emit func(llm.Event)) {
	if d.open >= 0 {
		emit(llm.Event{Type: llm.EventBlockStop, Index: d.open})
		d.open = -1
	}
}

func (d *streamDecoder) startBlock(ev llm.Event, emit func(llm.Event)) {
	d.closeOpen(emit)
	ev.Type, ev.Index = llm.EventBlockStart, d.next
	d.open, d.openKind = d.next, ev.Kind
	d.next++
	emit(ev)
}

// text streams a text or thinking delta, or buffers it behind a live tool call.
func (d *streamDecoder) text(kind llm.BlockKind, s string, emit func(llm.Event)) {
	if d.live >= 0 {
		if n := len(d.tail); n > 0 && d.tail[n-1].kind == kind {
			d.tail[n-1].text = append(d.tail[n-1].text, s...)
		} else {
			d.tail = append(d.tail, tailPart{kind: kind, text: []byte(s)})
		}
		return
	}
	if d.open < 0 || d.openKind != kind {
		d.startBlock(llm.Event{Kind: kind}, emit)
	}
	emit(llm.Event{Type: llm.EventBlockDelta, Index: d.open, Text: s})
}

func (d *streamDecoder) toolDelta(tc *toolCall, emit func(llm.Event)) {
	idx := 0
	if tc.Index != nil && *tc.Index > 0 {
		idx = *tc.Index
	}
	args := tc.Function.Arguments
	if idx == d.live {
		if args != "" {
			emit(llm.Event{Type: llm.EventBlockDelta, Index: d.open, Text: args})
		}
		return
	}
	for i := range d.pending {
		if p := &d.pending[i]; p.index == idx {
			if p.id == "" {
				p.id = tc.ID
			}
			if p.name == "" {
				p.name = tc.Function.Name
			}
			p.args = append(p.args, args...)
			return
		}
	}
	for _, e := range d.emitted {
		if e == idx {
			return // a fragment after its call was complete; nowhere to put it
		}
	}
	if d.live < 0 && len(d.pending) == 0 && tc.Function.Name != "" && !d.sawFinish {
		id := tc.ID
		if id == "" {
			id = randomID("call_", 24)
		}
		d.live = idx
		d.emitted = append(d.emitted, idx)
		d.calls++
		d.startBlock(llm.Event{Kind: llm.BlockToolCall, ToolID: id, ToolName: tc.Function.Name}, emit)
		if args != "" {
			emit(llm.Event{Type: llm.EventBlockDelta, Index: d.open, Text: args})
		}
		return
	}
	d.pending = append(d.pending, pendingCall{index: idx, id: tc.ID, name: tc.Function.Name, args: []byte(args)})
}

// flush closes the open block and emits everything buffered.
func (d *streamDecoder) flush(emit func(llm.Event)) {
	d.closeOpen(emit)
	d.live = -1
	sort.SliceStable(d.pending, func(i, j int) bool { return d.pending[i].index < d.pending[j].index })
	for _, p := range d.pending {
		id := p.id
		if id == "" {
			id = randomID("call_", 24)
		}
		d.emitted = append(d.emitted, p.index)
		d.calls++
		d.startBlock(llm.Event{Kind: llm.BlockToolCall, ToolID: id, ToolName: p.name}, emit)
		if len(p.args) > 0 {
			emit(llm.Event{Type: llm.EventBlockDelta, Index: d.open, Text: string(p.args)})
		}
		d.closeOpen(emit)
	}
	d.pending = d.pending[:0]
	for _, t := range d.tail {
		d.startBlock(llm.Event{Kind: t.kind}, emit)
		emit(llm.Event{Type: llm.EventBlockDelta, Index: d.open, Text: string(t.text)})
		d.closeOpen(emit)
	}
	d.tail = d.tail[:0]
}

// complete ends the canonical stream: blocks, usage, MessageStop.
func (d *streamDecoder) complete(emit func(llm.Event)) {
	if !d.started {
		d.started = true
		emit(llm.Event{Type: llm.EventMessageStart})
	}
	d.flush(emit)
	if d.hasUsage {
		emit(llm.Event{Type: llm.EventUsage, Usage: d.usage})
	}
	emit(llm.Event{Type: llm.EventMessageStop, StopReason: stopReason(d.finish, d.calls > 0, d.refused)})
	d.done = true
}

func (d *streamDecoder) Finish(emit func(llm.Event)) error {
	if d.done {
		return nil
	}
	if d.sawFinish {
		// Some compatible servers end without [DONE].
		d.complete(emit)
		return nil
	}
	return upstreamErr("the upstream stream ended before the answer was complete", nil)
}
