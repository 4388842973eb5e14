// Package protocol defines what a wire protocol (OpenAI Chat Completions,
// Anthropic Messages, Gemini generateContent) must provide to the gateway:
// a codec in both directions, for requests, responses, streams and errors.
// The implementations live in protocol/openai, protocol/anthropic and
// protocol/gemini; the proxy sees only this interface.
package protocol

import (
	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/sse"
)

// Name identifies a wire protocol.
type Name string

// The protocols Switchboard speaks, on both sides.
const (
	OpenAI    Name = "openai"
	Anthropic Name = "anthropic"
	Gemini    Name = "gemini"
)

// Target is what the request line (not the body) says about a request:
// Gemini puts the model and the streaming switch in the URL.
type Target struct {
	// Model from the URL path (Gemini); empty for the others.
	Model string
	// Stream is true for Gemini's streamGenerateContent.
	Stream bool
	// SSE is true when a Gemini stream was asked for with alt=sse; without
	// it the stream is one JSON array.
	SSE bool
}

// Codec converts between one wire protocol and the canonical model.
//
// Server side (the client speaks this protocol): DecodeRequest,
// EncodeResponse, NewStreamEncoder, ErrorBody. Upstream side (the provider
// speaks it): EncodeRequest, DecodeResponse, NewStreamDecoder, DecodeError.
//
// Every error a Codec returns for bad input is a *switchboard.Error with code
// EINVALID, a message that names the offending field the way the protocol's
// own API would, and Param set to its path.
type Codec interface {
	Name() Name

	// DecodeRequest parses and validates a client request body.
	DecodeRequest(body []byte, t Target) (*llm.Request, error)
	// EncodeResponse renders a complete response; model is the model name
	// the client should see (the one it asked for, or the served one).
	EncodeResponse(r *llm.Response, model string) ([]byte, error)
	// NewStreamEncoder returns an encoder for one streamed response.
	NewStreamEncoder(model string, t Target, includeUsage bool) StreamEncoder
	// ErrorBody renders err in the protocol's error shape and gives the
	// HTTP status to send with it.
	ErrorBody(err *switchboard.Error) (status int, body []byte)

	// EncodeRequest renders a canonical request for an upstream of this
	// protocol, naming upstreamModel. For Gemini the model goes in the URL,
	// not the body.
	EncodeRequest(r *llm.Request, upstreamModel string) ([]byte, error)
	// DecodeResponse parses a complete upstream response.
	DecodeResponse(body []byte) (*llm.Response, error)
	// NewStreamDecoder returns a decoder for one upstream stream.
	NewStreamDecoder() StreamDecoder
	// DecodeError turns an upstream's non-2xx answer into an error whose
	// code reflects the status and whose message is the upstream's own.
	DecodeError(status int, body []byte) *switchboard.Error
}

// StreamEncoder renders canonical events as wire bytes for one stream. It
// keeps whatever state its protocol needs (a stable chunk id, tool-call
// indexes, gap-free block indexes, buffered Gemini function calls).
type StreamEncoder interface {
	// ContentType is the Content-Type of the stream.
	ContentType() string
	// Encode appends the bytes for ev to dst; it may append nothing (an
	// event the protocol has no room for, or one it buffers). MessageStop and
	// Error end the stream, with whatever trailer the protocol needs
	// ("data: [DONE]", a closing "]").
	Encode(dst []byte, ev llm.Event) []byte
}

// StreamDecoder turns one upstream's SSE events into canonical events.
type StreamDecoder interface {
	// Decode handles one SSE event and emits zero or more canonical
	// events. A malformed event is an error.
	Decode(ev sse.Event, emit func(llm.Event)) error
	// Finish is called when the upstream body ends. It emits what was held
	// back (OpenAI sends usage after finish_reason, so MessageStop waits for
	// [DONE] or the end) and returns an error when the stream ended before
	// it was complete.
	Finish(emit func(llm.Event)) error
}
