// Package gemini speaks Google's Gemini generateContent protocol
// (/v1beta/models/{model}:generateContent and :streamGenerateContent),
// to clients and to upstreams, converting to and from the canonical llm
// model.
package gemini

import (
	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

// New returns the Gemini codec.
func New() protocol.Codec { return codec{} }

type codec struct{}

var (
	_ protocol.Codec         = codec{}
	_ protocol.StreamEncoder = (*streamEncoder)(nil)
	_ protocol.StreamDecoder = (*streamDecoder)(nil)
)

func (codec) Name() protocol.Name { return protocol.Gemini }

func (codec) DecodeRequest(body []byte, t protocol.Target) (*llm.Request, error) {
	return decodeRequest(body, t)
}

func (codec) EncodeResponse(r *llm.Response, model string) ([]byte, error) {
	return encodeResponse(r, model), nil
}

// NewStreamEncoder ignores includeUsage: Gemini always sends usage.
func (codec) NewStreamEncoder(model string, t protocol.Target, includeUsage bool) protocol.StreamEncoder {
	return newStreamEncoder(model, t)
}

func (codec) ErrorBody(err *switchboard.Error) (int, []byte) { return errorBody(err) }

func (codec) EncodeRequest(r *llm.Request, upstreamModel string) ([]byte, error) {
	return encodeRequest(r, upstreamModel)
}

func (codec) DecodeResponse(body []byte) (*llm.Response, error) { return decodeResponse(body) }

func (codec) NewStreamDecoder() protocol.StreamDecoder { return &streamDecoder{} }

func (codec) DecodeError(status int, body []byte) *switchboard.Error {
	return decodeError(status, body)
}
