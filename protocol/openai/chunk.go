package openai

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// parseChunk reads one streamed chunk into c, reusing its choices. It is
// the stream decoder's hot path: json.Valid (which pools its scanner)
// checks the syntax, then a scan over the few fields the decoder needs
// allocates only the strings it keeps; the rarer tool_calls, usage and
// error values go through encoding/json. With meta false, id and model are
// skipped (the decoder only needs them from the first chunk). Type errors
// are reported as encoding/json would.
func parseChunk(data []byte, c *chunk, meta bool) error {
	clear(c.Choices[:cap(c.Choices)])
	*c = chunk{Choices: c.Choices[:0]}
	if !json.Valid(data) {
		return errChunkSyntax
	}
	var err error
	ok := scanObject(data, func(key, val []byte) bool {
		switch string(key) {
		case "id":
			if meta {
				c.ID, err = jsonString(val)
			}
		case "model":
			if meta {
				c.Model, err = jsonString(val)
			}
		case "choices":
			err = parseChoices(val, c)
		case "usage":
			if !isNull(val) {
				c.Usage = new(usage)
				err = json.Unmarshal(val, c.Usage)
			}
		case "error":
			c.Error = val
		}
		return err == nil
	})
	if !ok {
		return errChunkObject
	}
	return err
}

var (
	errChunkSyntax = errors.New("openai: stream chunk is not valid JSON")
	errChunkObject = errors.New("openai: stream chunk is not a JSON object")
	errChunkType   = errors.New("openai: stream chunk field has the wrong type")
)

func parseChoices(val []byte, c *chunk) error {
	if isNull(val) {
		return nil
	}
	var err error
	ok := scanArray(val, func(el []byte) bool {
		c.Choices = append(c.Choices, chunkChoice{})
		ch := &c.Choices[len(c.Choices)-1]
		if isNull(el) {
			return true
		}
		ok := scanObject(el, func(key, v []byte) bool {
			switch string(key) {
			case "index":
				ch.Index, err = jsonInt(v)
			case "delta":
				err = parseDelta(v, &ch.Delta)
			case "finish_reason":
				var s string
				if s, err = jsonString(v); err == nil && !isNull(v) {
					ch.FinishReason = &s
				}
			}
			return err == nil
		})
		if !ok {
			err = errChunkType
		}
		return err == nil
	})
	if !ok {
		return errChunkType
	}
	return err
}

func parseDelta(val []byte, d *delta) error {
	if isNull(val) {
		return nil
	}
	var err error
	ok := scanObject(val, func(key, v []byte) bool {
		switch string(key) {
		case "content":
			d.Content, err = jsonString(v)
		case "refusal":
			d.Refusal, err = jsonString(v)
		case "reasoning_content":
			d.ReasoningContent, err = jsonString(v)
		case "reasoning":
			d.Reasoning, err = jsonString(v)
		case "tool_calls":
			err = json.Unmarshal(v, &d.ToolCalls)
		}
		return err == nil
	})
	if !ok {
		return errChunkType
	}
	return err
}

// jsonString decodes a JSON string or null ("") from valid JSON.
func jsonString(v []byte) (string, error) {
	if isNull(v) {
		return "", nil
	}
	if len(v) < 2 || v[0] != '"' {
		return "", errChunkType
	}
	inner := v[1 : len(v)-1]
	if !containsByte(inner, '\\') && utf8.Valid(inner) {
		return string(inner), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// jsonInt decodes a JSON integer (or null, 0) from valid JSON.
func jsonInt(v []byte) (int, error) {
	if isNull(v) {
		return 0, nil
	}
	n, neg, i := 0, false, 0
	if len(v) > 0 && v[0] == '-' {
		neg, i = true, 1
	}
	if i >= len(v) || len(v)-i > 9 {
		return 0, errChunkType
	}
	for ; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, errChunkType
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}
