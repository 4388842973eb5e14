package gemini

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Gemini function declarations take their parameters either as
// `parameters`, an OpenAPI 3.0 Schema subset whose type names are enum
// values ("OBJECT", "STRING"…), or as `parametersJsonSchema`, full JSON
// Schema. The canonical model holds JSON Schema.

// openAPIKeys are the keywords `parameters` accepts (wire-formats.md §2);
// anything else is a 400 "Unknown name … Cannot find field".
var openAPIKeys = map[string]bool{
	"type": true, "format": true, "title": true, "description": true, "nullable": true,
	"enum": true, "maxItems": true, "minItems": true, "properties": true, "required": true,
	"minProperties": true, "maxProperties": true, "minLength": true, "maxLength": true,
	"pattern": true, "example": true, "anyOf": true, "propertyOrdering": true,
	"default": true, "items": true, "minimum": true, "maximum": true,
}

// toJSONSchema turns a Gemini OpenAPI schema into JSON Schema: type names
// are lower-cased (OpenAI rejects "OBJECT"), in a copy, in place (the
// lower-case name has the same length), keeping the key order. A schema
// with no upper-case type is returned unchanged.
func toJSONSchema(s json.RawMessage) json.RawMessage {
	if !hasUpperType(s) {
		return s
	}
	c := append(json.RawMessage(nil), s...)
	lowerTypes(c)
	return c
}

func hasUpperType(s []byte) bool {
	for _, t := range [...]string{`"OBJECT"`, `"STRING"`, `"INTEGER"`, `"NUMBER"`, `"BOOLEAN"`, `"ARRAY"`, `"NULL"`} {
		if bytes.Contains(s, []byte(t)) {
			return true
		}
	}
	return false
}

// lowerTypes lower-cases, in place, the type names of the schema v and of
// the schemas nested in properties, items and anyOf.
func lowerTypes(v []byte) {
	_ = fields(v, "", "", func(k, x []byte) error {
		switch string(k) {
		case "type":
			if len(x) > 2 && x[0] == '"' {
				for i := 1; i < len(x)-1; i++ {
					if c := x[i]; 'A' <= c && c <= 'Z' {
						x[i] = c + 'a' - 'A'
					}
				}
			}
		case "properties":
			_ = fields(x, "", "", func(_, p []byte) error { lowerTypes(p); return nil })
		case "items":
			lowerTypes(x)
		case "anyOf":
			_ = elems(x, "", "", func(_ int, p []byte) error { lowerTypes(p); return nil })
		}
		return nil
	})
}

// isOpenAPISubset reports whether the JSON Schema s can be sent as
// `parameters`: only the keywords Gemini's Schema message has, string
// types, string enums.
func isOpenAPISubset(s json.RawMessage) bool {
	var v any
	if json.Unmarshal(s, &v) != nil {
		return false
	}
	return subsetSchema(v)
}

func subsetSchema(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k, x := range m {
		if !openAPIKeys[k] {
			return false
		}
		switch k {
		case "type":
			if _, ok := x.(string); !ok {
				return false
			}
		case "enum":
			a, ok := x.([]any)
			if !ok {
				return false
			}
			for _, e := range a {
				if _, ok := e.(string); !ok {
					return false
				}
			}
		case "properties":
			p, ok := x.(map[string]any)
			if !ok {
				return false
			}
			for _, s := range p {
				if !subsetSchema(s) {
					return false
				}
			}
		case "items":
			if !subsetSchema(x) {
				return false
			}
		case "anyOf":
			a, ok := x.([]any)
			if !ok {
				return false
			}
			for _, s := range a {
				if !subsetSchema(s) {
					return false
				}
			}
		}
	}
	return true
}

// emptyObjectSchema reports whether s describes an object with no
// properties: Gemini rejects `parameters` of type OBJECT with empty
// properties, so such a declaration is sent without parameters.
func emptyObjectSchema(s json.RawMessage) bool {
	var v struct {
		Type       any             `json:"type"`
		Properties json.RawMessage `json:"properties"`
	}
	var all map[string]json.RawMessage
	if json.Unmarshal(s, &all) != nil {
		return false
	}
	for k := range all {
		switch k {
		case "type", "properties", "required", "additionalProperties", "$schema":
		default:
			return false
		}
	}
	if json.Unmarshal(s, &v) != nil {
		return false
	}
	if t, ok := v.Type.(string); ok && !strings.EqualFold(t, "object") {
		return false
	}
	p := trim(v.Properties)
	return len(p) == 0 || string(p) == "{}" || string(p) == "null"
}
