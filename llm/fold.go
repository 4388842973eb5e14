package llm

import (
	"encoding/json"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Folder accumulates a stream into the Response it stands for. The zero value
// is ready to use; the audit trail folds every stream it observes.
type Folder struct {
	resp    Response
	texts   []strings.Builder
	started bool
	stopped bool
	err     *switchboard.Error
}

// Add folds one event.
func (f *Folder) Add(ev Event) {
	switch ev.Type {
	case EventMessageStart:
		f.started = true
		f.resp.ID, f.resp.Model = ev.ID, ev.Model
	case EventBlockStart:
		for len(f.resp.Content) <= ev.Index {
			f.resp.Content = append(f.resp.Content, Part{})
			f.texts = append(f.texts, strings.Builder{})
		}
		p := &f.resp.Content[ev.Index]
		switch ev.Kind {
		case BlockText:
			p.Kind = PartText
		case BlockThinking:
			p.Kind = PartThinking
		case BlockToolCall:
			p.Kind = PartToolCall
			p.ToolCall = &ToolCall{ID: ev.ToolID, Name: ev.ToolName}
		}
	case EventBlockDelta:
		if ev.Index < len(f.texts) {
			f.texts[ev.Index].WriteString(ev.Text)
			if ev.Signature != "" {
				f.resp.Content[ev.Index].Signature += ev.Signature
			}
		}
	case EventUsage:
		f.resp.Usage = ev.Usage
	case EventMessageStop:
		f.stopped = true
		f.resp.StopReason, f.resp.StopSequence = ev.StopReason, ev.StopSequence
	case EventError:
		f.err = ev.Err
	}
}

// Response returns the folded response. Tool-call arguments that are empty
// become "{}".
func (f *Folder) Response() *Response {
	r := f.resp
	r.Content = make([]Part, len(f.resp.Content))
	copy(r.Content, f.resp.Content)
	for i := range r.Content {
		s := f.texts[i].String()
		switch r.Content[i].Kind {
		case PartToolCall:
			tc := *r.Content[i].ToolCall
			if strings.TrimSpace(s) == "" {
				s = "{}"
			}
			tc.Args = json.RawMessage(s)
			r.Content[i].ToolCall = &tc
		default:
			r.Content[i].Text = s
		}
	}
	return &r
}

// Err returns the error that ended the stream, if any.
func (f *Folder) Err() *switchboard.Error { return f.err }

// Complete reports whether the stream ended with MessageStop.
func (f *Folder) Complete() bool { return f.stopped }

// Fold folds a whole stream.
func Fold(events []Event) (*Response, *switchboard.Error) {
	var f Folder
	for _, ev := range events {
		f.Add(ev)
	}
	return f.Response(), f.Err()
}

// Events unfolds a response into the stream that would have produced it:
// the inverse of Fold, used to stream an answer that arrived whole.
func Events(r *Response) []Event {
	evs := make([]Event, 0, 3*len(r.Content)+3)
	evs = append(evs, Event{Type: EventMessageStart, ID: r.ID, Model: r.Model})
	for i, p := range r.Content {
		switch p.Kind {
		case PartText:
			evs = append(evs, Event{Type: EventBlockStart, Index: i, Kind: BlockText},
				Event{Type: EventBlockDelta, Index: i, Text: p.Text})
		case PartThinking:
			evs = append(evs, Event{Type: EventBlockStart, Index: i, Kind: BlockThinking},
				Event{Type: EventBlockDelta, Index: i, Text: p.Text, Signature: p.Signature})
		case PartToolCall:
			evs = append(evs, Event{Type: EventBlockStart, Index: i, Kind: BlockToolCall, ToolID: p.ToolCall.ID, ToolName: p.ToolCall.Name},
				Event{Type: EventBlockDelta, Index: i, Text: string(p.ToolCall.Args)})
		default:
			continue
		}
		evs = append(evs, Event{Type: EventBlockStop, Index: i})
	}
	evs = append(evs, Event{Type: EventUsage, Usage: r.Usage},
		Event{Type: EventMessageStop, StopReason: r.StopReason, StopSequence: r.StopSequence})
	return evs
}
