// Package openai is the codec for the OpenAI Chat Completions API
// (POST /v1/chat/completions), on both sides of the gateway: it decodes and
// validates client requests the way OpenAI does, renders responses, streams
// and errors that the official SDKs accept, and speaks to OpenAI and
// OpenAI-compatible upstreams (vLLM, Ollama, llama.cpp).
package openai

import (
	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

// New returns the Chat Completions codec. It holds no state; streams keep
// theirs in the encoders and decoders it makes.
func New() protocol.Codec { return codec{} }

type codec struct{}

var _ protocol.Codec = codec{}

func (codec) Name() protocol.Name { return protocol.OpenAI }

func (codec) DecodeRequest(body []byte, _ protocol.Target) (*llm.Request, error) {
	return decodeRequest(body)
}

func (codec) EncodeResponse(r *llm.Response, model string) ([]byte, error) {
	return encodeResponse(r, model)
}

func (codec) NewStreamEncoder(model string, _ protocol.Target, includeUsage bool) protocol.StreamEncoder {
	return newStreamEncoder(model, includeUsage)
}

func (codec) ErrorBody(err *switchboard.Error) (int, []byte) { return errorBodyFor(err) }

func (codec) EncodeRequest(r *llm.Request, upstreamModel string) ([]byte, error) {
	return encodeRequest(r, upstreamModel)
}

func (codec) DecodeResponse(body []byte) (*llm.Response, error) { return decodeResponse(body) }

func (codec) NewStreamDecoder() protocol.StreamDecoder { return newStreamDecoder() }

func (codec) DecodeError(status int, body []byte) *switchboard.Error {
	return decodeError(status, body)
}
