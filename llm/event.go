package llm

import switchboard "github.com/switchboard-gov/switchboard"

// EventType says which fields of an Event are set.
type EventType uint8

// The canonical stream events. A well-formed stream is MessageStart, then
// blocks in order (BlockStart i, BlockDelta i…, BlockStop i, with i rising
// from 0 by one and blocks never overlapping), Usage events anywhere after
// MessageStart, and finally MessageStop or Error.
const (
	EventMessageStart EventType = iota + 1
	EventBlockStart
	EventBlockDelta
	EventBlockStop
	EventUsage
	EventMessageStop
	EventError
)

// BlockKind is the kind of a content block.
type BlockKind uint8

// The block kinds.
const (
	BlockText BlockKind = iota + 1
	BlockToolCall
	BlockThinking
)

// Event is one canonical stream event. It is a flat struct rather than an
// interface so that a stream allocates nothing per event.
type Event struct {
	Type EventType

	// MessageStart
	ID    string
	Model string

	// BlockStart, BlockDelta, BlockStop
	Index int
	// BlockStart
	Kind     BlockKind
	ToolID   string
	ToolName string
	// BlockDelta: text, a fragment of tool-call arguments JSON, or thinking.
	Text string
	// BlockDelta of a thinking block: its signature, when the source sends one.
	Signature string

	// Usage: cumulative counts so far; the last one wins.
	Usage Usage

	// MessageStop
	StopReason   StopReason
	StopSequence string

	// Error ends the stream.
	Err *switchboard.Error
}
