package gemini

import (
	"encoding/json"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

// streamEncoder writes a streamGenerateContent answer: with alt=sse one
// "data: <GenerateContentResponse>" event per chunk and nothing else (no
// event names, comments or [DONE], which genai rejects); without it the
// same chunks as one JSON array, written as they come.
//
// Text and thinking deltas each become a chunk. Tool-call arguments are
// buffered and the call sent whole when its block stops, since Gemini
// function calls never arrive in pieces. The final chunk carries
// finishReason and the complete usageMetadata.
type streamEncoder struct {
	model, id string
	sse       bool
	started   bool
	ended     bool
	chunks    int
	kind      llm.BlockKind // of the open block; 0 when none
	toolID    string
	toolName  string
	toolSig   string
	toolArgs  []byte
	usage     llm.Usage
	hasUsage  bool
}

func newStreamEncoder(model string, t protocol.Target) *streamEncoder {
	return &streamEncoder{model: model, sse: t.SSE}
}

// ContentType is text/event-stream with alt=sse, application/json without.
func (e *streamEncoder) ContentType() string {
	if e.sse {
		return "text/event-stream"
	}
	return "application/json"
}

// Encode appends the bytes for ev.
func (e *streamEncoder) Encode(dst []byte, ev llm.Event) []byte {
	if e.ended {
		return dst
	}
	dst = e.start(dst, ev)
	switch ev.Type {
	case llm.EventBlockStart:
		dst = e.closeBlock(dst)
		e.kind = ev.Kind
		if ev.Kind == llm.BlockToolCall {
			e.toolID, e.toolName, e.toolSig = ev.ToolID, ev.ToolName, ""
			e.toolArgs = e.toolArgs[:0]
		}
	case llm.EventBlockDelta:
		if e.kind == llm.BlockToolCall {
			e.toolArgs = append(e.toolArgs, ev.Text...)
			e.toolSig += ev.Signature
			break
		}
		if ev.Text == "" && ev.Signature == "" {
			break
		}
		dst = e.begin(dst)
		dst = append(dst, chunkHead...)
		dst = appendTextPart(dst, ev.Text, e.kind == llm.BlockThinking, ev.Signature)
		dst = e.end(dst, "")
	case llm.EventBlockStop:
		dst = e.closeBlock(dst)
	case llm.EventUsage:
		e.usage, e.hasUsage = ev.Usage, true
	case llm.EventMessageStop:
		dst = e.closeBlock(dst)
		e.hasUsage = true
		dst = e.begin(dst)
		// The closing chunk carries no part: an empty text part would be
		// sent back by clients that replay the turn, and Gemini rejects a
		// part without data.
		dst = append(dst, chunkHead...)
		dst = e.end(dst, finishReason(ev.StopReason))
		if !e.sse {
			dst = append(dst, ']')
		}
		e.ended = true
	case llm.EventError:
		err := ev.Err
		if err == nil {
			err = &switchboard.Error{Code: switchboard.EINTERNAL, Message: "The stream failed."}
		}
		_, body := errorBody(err)
		dst = e.begin(dst)
		dst = append(dst, body...)
		if e.sse {
			dst = append(dst, "\r\n\r\n"...)
		} else {
			dst = append(dst, ']')
		}
		e.ended = true
	}
	return dst
}

// start opens the stream on its first event, whatever it is.
func (e *streamEncoder) start(dst []byte, ev llm.Event) []byte {
	if e.started {
		return dst
	}
	e.started = true
	if e.model == "" {
		e.model = ev.Model
	}
	e.id = ev.ID
	if e.id == "" {
		e.id = newID("")
	}
	if !e.sse {
		dst = append(dst, '[')
	}
	return dst
}

// closeBlock ends the open block, sending a buffered function call.
func (e *streamEncoder) closeBlock(dst []byte) []byte {
	if e.kind == llm.BlockToolCall {
		dst = e.begin(dst)
		dst = append(dst, chunkHead...)
		dst = appendCallPart(dst, e.toolID, e.toolName, e.toolArgs, e.toolSig)
		dst = e.end(dst, "")
	}
	e.kind = 0
	return dst
}

func (e *streamEncoder) begin(dst []byte) []byte {
	if e.sse {
		dst = append(dst, "data: "...)
	} else if e.chunks > 0 {
		dst = append(dst, ",\r\n"...)
	}
	e.chunks++
	return dst
}

func (e *streamEncoder) end(dst []byte, finish string) []byte {
	var u *llm.Usage
	if e.hasUsage {
		u = &e.usage
	}
	dst = appendTail(dst, finish, u, e.model, e.id)
	if e.sse {
		dst = append(dst, "\r\n\r\n"...)
	}
	return dst
}

// streamDecoder reads a Gemini alt=sse stream, each event one whole
// GenerateContentResponse. Text parts extend one open text block, thought
// parts one thinking block (a change of kind, or a second
// thoughtSignature, starts a new block); each functionCall part is a
// whole tool-call block. MessageStop waits for the end of the body, since
// usage may come after the finishReason.
type streamDecoder struct {
	started   bool
	done      bool
	open      bool
	kind      llm.BlockKind
	hasSig    bool
	next      int
	finish    string
	blocked   bool
	toolCalls bool
	usage     llm.Usage
	hasUsage  bool
}

// Decode handles one SSE event.
func (d *streamDecoder) Decode(ev sse.Event, emit func(llm.Event)) error {
	if d.done {
		return nil
	}
	data := trim(ev.Data)
	if len(data) == 0 {
		return nil
	}
	var w wireResponse
	if err := json.Unmarshal(data, &w); err != nil {
		return &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "Gemini sent a stream chunk that is not valid JSON.", Cause: err}
	}
	d.chunk(&w, emit)
	return nil
}

func (d *streamDecoder) chunk(w *wireResponse, emit func(llm.Event)) {
	if w.Error != nil {
		d.closeBlock(emit)
		d.flushUsage(emit)
		emit(llm.Event{Type: llm.EventError, Err: wireToError(w.Error, w.Error.Code)})
		d.done = true
		return
	}
	if !d.started {
		d.started = true
		emit(llm.Event{Type: llm.EventMessageStart, ID: w.ResponseID, Model: w.ModelVersion})
	}
	if len(w.Candidates) > 0 {
		c := &w.Candidates[0]
		if c.Content != nil {
			for i := range c.Content.Parts {
				d.part(&c.Content.Parts[i], emit)
			}
		}
		if c.FinishReason != "" {
			d.finish = c.FinishReason
		}
	} else if w.PromptFeedback != nil && w.PromptFeedback.BlockReason != "" {
		d.blocked = true
	}
	if w.UsageMetadata != nil {
		d.usage, d.hasUsage = usageOf(w.UsageMetadata), true
	}
}

func (d *streamDecoder) part(p *wirePartIn, emit func(llm.Event)) {
	if fc := p.FunctionCall; fc != nil {
		d.closeBlock(emit)
		id := fc.ID
		if id == "" {
			id = newID("call_")
		}
		args := trim(fc.Args)
		if len(args) == 0 || string(args) == "null" {
			args = []byte("{}")
		}
		i := d.next
		d.next++
		d.toolCalls = true
		emit(llm.Event{Type: llm.EventBlockStart, Index: i, Kind: llm.BlockToolCall, ToolID: id, ToolName: fc.Name})
		emit(llm.Event{Type: llm.EventBlockDelta, Index: i, Text: string(args), Signature: p.ThoughtSignature})
		emit(llm.Event{Type: llm.EventBlockStop, Index: i})
		return
	}
	if p.Text == nil || *p.Text == "" && p.ThoughtSignature == "" {
		return
	}
	kind := llm.BlockText
	if p.Thought {
		kind = llm.BlockThinking
	}
	if d.open && (d.kind != kind || p.ThoughtSignature != "" && d.hasSig) {
		d.closeBlock(emit)
	}
	if !d.open {
		d.open, d.kind, d.hasSig = true, kind, false
		emit(llm.Event{Type: llm.EventBlockStart, Index: d.next, Kind: kind})
	}
	if p.ThoughtSignature != "" {
		d.hasSig = true
	}
	emit(llm.Event{Type: llm.EventBlockDelta, Index: d.next, Text: *p.Text, Signature: p.ThoughtSignature})
}

func (d *streamDecoder) closeBlock(emit func(llm.Event)) {
	if d.open {
		emit(llm.Event{Type: llm.EventBlockStop, Index: d.next})
		d.next++
		d.open = false
	}
}

func (d *streamDecoder) flushUsage(emit func(llm.Event)) {
	if d.hasUsage {
		emit(llm.Event{Type: llm.EventUsage, Usage: d.usage})
		d.hasUsage = false
	}
}

// Finish ends the stream: MessageStop when a finishReason (or a blocked
// prompt) was seen, otherwise an error.
func (d *streamDecoder) Finish(emit func(llm.Event)) error {
	if d.done {
		return nil
	}
	d.done = true
	if !d.started {
		return &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "Gemini's stream ended before sending anything."}
	}
	d.closeBlock(emit)
	d.flushUsage(emit)
	if d.finish == "" && !d.blocked {
		return &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "Gemini's stream ended early, without a finishReason."}
	}
	reason := llm.StopRefused
	if d.finish != "" {
		reason = stopReason(d.finish, d.toolCalls)
	}
	emit(llm.Event{Type: llm.EventMessageStop, StopReason: reason})
	return nil
}
