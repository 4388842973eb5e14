package anthropic

import (
	"encoding/json"
	"net/http"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/internal/jsonw"
)

// errorType is the API's error.type for a switchboard code and status.
func errorType(code string, status int) string {
	switch status {
	case 402:
		return "billing_error"
	case 413:
		return "request_too_large"
	case 529:
		return "overloaded_error"
	}
	switch code {
	case switchboard.EINVALID, switchboard.EMETHOD, switchboard.ECONFLICT:
		return "invalid_request_error"
	case switchboard.EUNAUTHORIZED:
		return "authentication_error"
	case switchboard.EFORBIDDEN:
		return "permission_error"
	case switchboard.ENOTFOUND:
		return "not_found_error"
	case switchboard.ETOOLARGE:
		return "request_too_large"
	case switchboard.ERATELIMIT:
		return "rate_limit_error"
	case switchboard.EOVERLOADED:
		return "overloaded_error"
	case switchboard.ETIMEOUT:
		return "timeout_error"
	}
	return "api_error"
}

// codeOf maps an API error.type to a switchboard code; "" when unknown.
func codeOf(typ string) string {
	switch typ {
	case "invalid_request_error":
		return switchboard.EINVALID
	case "authentication_error":
		return switchboard.EUNAUTHORIZED
	case "permission_error", "billing_error":
		return switchboard.EFORBIDDEN
	case "not_found_error":
		return switchboard.ENOTFOUND
	case "request_too_large":
		return switchboard.ETOOLARGE
	case "rate_limit_error":
		return switchboard.ERATELIMIT
	case "overloaded_error":
		return switchboard.EOVERLOADED
	case "timeout_error":
		return switchboard.ETIMEOUT
	case "api_error":
		return switchboard.EUPSTREAM
	}
	return ""
}

// ErrorBody renders err as {"type":"error","error":{"type","message"}}
// with the API's status for it: the error's own Status when set (an
// upstream 529 stays 529), else the code's. A wrong method is answered
// 405 with invalid_request_error.
func (codec) ErrorBody(err *switchboard.Error) (int, []byte) {
	if err == nil {
		err = &switchboard.Error{Code: switchboard.EINTERNAL, Message: "internal error"}
	}
	status := err.HTTPStatus()
	msg := err.Message
	if msg == "" {
		msg = http.StatusText(status)
	}
	b := make([]byte, 0, 64+len(msg))
	b = append(b, `{"type":"error","error":{"type":`...)
	b = jsonw.AppendString(b, errorType(err.Code, status))
	b = append(b, `,"message":`...)
	b = jsonw.AppendString(b, msg)
	b = append(b, "}}"...)
	return status, b
}

// DecodeError turns an upstream's error answer into an error with the
// status's code (overloaded_error is EOVERLOADED whatever the status) and
// the upstream's message. Status stays 0 so the client's protocol picks it.
func (codec) DecodeError(status int, body []byte) *switchboard.Error {
	code := switchboard.StatusCode(status)
	var e errorBody
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		if e.Error.Type == "overloaded_error" {
			code = switchboard.EOVERLOADED
		} else if c := codeOf(e.Error.Type); c != "" && (code == switchboard.EINTERNAL || code == switchboard.EUPSTREAM && c != switchboard.EINVALID) {
			code = c
		}
		return &switchboard.Error{Code: code, Message: e.Error.Message}
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 512 {
		msg = strings.ToValidUTF8(msg[:512], "")
	}
	if msg == "" || strings.HasPrefix(msg, "<") {
		msg = "upstream answered " + http.StatusText(status)
	}
	return &switchboard.Error{Code: code, Message: msg}
}
