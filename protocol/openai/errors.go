package openai

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/internal/jsonw"
)

// errorKind gives OpenAI's error type and code (empty for null) for a
// switchboard error code.
func errorKind(err *switchboard.Error) (typ, code string) {
	switch err.Code {
	case switchboard.EINVALID, switchboard.EMETHOD:
		return "invalid_request_error", ""
	case switchboard.EUNAUTHORIZED:
		return "invalid_request_error", "invalid_api_key"
	case switchboard.EFORBIDDEN:
		return "invalid_request_error", "permission_denied"
	case switchboard.ENOTFOUND:
		if err.Param == "" || err.Param == "model" {
			return "invalid_request_error", "model_not_found"
		}
		return "invalid_request_error", "not_found"
	case switchboard.ECONFLICT:
		return "invalid_request_error", "conflict"
	case switchboard.ETOOLARGE:
		return "invalid_request_error", "request_too_large"
	case switchboard.ERATELIMIT:
		return "requests", "rate_limit_exceeded"
	case switchboard.ETIMEOUT:
		return "server_error", "timeout"
	case switchboard.EUNAVAILABLE, switchboard.EOVERLOADED:
		return "server_error", "service_unavailable"
	default:
		return "server_error", ""
	}
}

// errorBodyFor renders {"error":{"message","type","param","code"}} and the
// status to send with it. Anthropic's 529 becomes 503, which OpenAI clients
// know as overloaded.
func errorBodyFor(err *switchboard.Error) (int, []byte) {
	status := err.HTTPStatus()
	if status == 529 {
		status = http.StatusServiceUnavailable
	}
	return status, appendErrorObject(make([]byte, 0, 128+len(err.Message)), err)
}

// appendErrorObject appends {"error":{…}} for err.
func appendErrorObject(dst []byte, err *switchboard.Error) []byte {
	typ, code := errorKind(err)
	msg := err.Message
	if msg == "" {
		msg = http.StatusText(err.HTTPStatus())
	}
	dst = append(dst, `{"error":{"message":`...)
	dst = jsonw.AppendString(dst, msg)
	dst = append(dst, `,"type":`...)
	dst = jsonw.AppendString(dst, typ)
	dst = append(dst, `,"param":`...)
	dst = appendNullable(dst, err.Param)
	dst = append(dst, `,"code":`...)
	dst = appendNullable(dst, code)
	return append(dst, "}}"...)
}

func appendNullable(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return jsonw.AppendString(dst, s)
}

// decodeError reads an upstream's error body: OpenAI's {"error":{…}}, and
// the shapes of compatible servers ({"error":"…"} from Ollama,
// {"object":"error","message":…} from vLLM), falling back to the raw text.
func decodeError(status int, body []byte) *switchboard.Error {
	e := &switchboard.Error{Code: switchboard.StatusCode(status)}
	obj, ok := parseErrorObject(body)
	if ok {
		e.Message = obj.Message
		if obj.Param != nil {
			e.Param = *obj.Param
		}
		switch errorCode(obj.Code) {
		case "insufficient_quota", "billing_hard_limit_reached":
			e.Code = switchboard.EFORBIDDEN // not worth retrying
		case "model_not_found":
			e.Code = switchboard.ENOTFOUND
			if e.Param == "" {
				e.Param = "model"
			}
		case "invalid_api_key":
			e.Code = switchboard.EUNAUTHORIZED
		}
	}
	if e.Message == "" {
		e.Message = strings.TrimSpace(string(body))
		if len(e.Message) > 512 {
			e.Message = e.Message[:512]
		}
		if e.Message == "" {
			e.Message = "the upstream answered " + strconv.Itoa(status) + " " + http.StatusText(status)
		}
	}
	return e
}

func parseErrorObject(body []byte) (errorObject, bool) {
	var env struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Type    string          `json:"type"`
		Code    json.RawMessage `json:"code"`
	}
	if json.Unmarshal(body, &env) != nil {
		return errorObject{}, false
	}
	raw := bytes.TrimSpace(env.Error)
	switch {
	case len(raw) > 0 && raw[0] == '{':
		var obj errorObject
		if json.Unmarshal(raw, &obj) == nil {
			return obj, true
		}
	case len(raw) > 0 && raw[0] == '"':
		var msg string
		if json.Unmarshal(raw, &msg) == nil {
			return errorObject{Message: msg}, true
		}
	case env.Message != "":
		return errorObject{Message: env.Message, Type: env.Type, Code: env.Code}, true
	}
	return errorObject{}, false
}

// errorCode returns a string code, or "" for null or a number.
func errorCode(raw json.RawMessage) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// streamError turns the {"error":{…}} of a mid-stream chunk (or a 200 body)
// into an error; there is no status, so the type and code pick the code.
func streamError(obj *errorObject) *switchboard.Error {
	e := &switchboard.Error{Code: switchboard.EUPSTREAM, Message: obj.Message}
	if obj.Param != nil {
		e.Param = *obj.Param
	}
	code := errorCode(obj.Code)
	switch {
	case code == "model_not_found":
		e.Code = switchboard.ENOTFOUND
	case code == "invalid_api_key":
		e.Code = switchboard.EUNAUTHORIZED
	case code == "rate_limit_exceeded" || obj.Type == "requests" || obj.Type == "tokens":
		e.Code = switchboard.ERATELIMIT
	case obj.Type == "invalid_request_error":
		e.Code = switchboard.EINVALID
	case strings.Contains(strings.ToLower(obj.Message), "overloaded"):
		e.Code = switchboard.EOVERLOADED
	}
	if e.Message == "" {
		e.Message = "the upstream reported an error"
	}
	return e
}
