// Package anthropic is the codec for Anthropic's Messages API
// (POST /v1/messages), on both sides of the gateway: it decodes and
// validates client requests the way the API does and answers in its
// response, stream and error shapes, and it speaks the API to an Anthropic
// upstream.
package anthropic

import "github.com/switchboard-gov/switchboard/protocol"

// DefaultMaxTokens is the max_tokens EncodeRequest sends when the canonical
// request has none: the Messages API requires the field.
const DefaultMaxTokens = 4096

type codec struct{}

var _ protocol.Codec = codec{}

// New returns the Anthropic Messages codec. It holds no state and is safe
// for concurrent use.
func New() protocol.Codec { return codec{} }

func (codec) Name() protocol.Name { return protocol.Anthropic }
