package gemini

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/internal/jsonw"
)

const (
	errorInfoType = "type.googleapis.com/google.rpc.ErrorInfo"
	retryInfoType = "type.googleapis.com/google.rpc.RetryInfo"
	badKeyMessage = "API key not valid. Please pass a valid API key."
)

// errorBody renders err as Google's {"error":{code,message,status}}.
//
// Choices where Gemini differs from the status table: an unknown key is a
// 400 INVALID_ARGUMENT with an ErrorInfo API_KEY_INVALID detail, as Google
// answers (clients that check for a bad key look for that reason), and a
// missing key (a message that says "missing", "required" or "no API key")
// a 403 PERMISSION_DENIED; a body over the gateway's limit is a 413
// (status INVALID_ARGUMENT); Anthropic's 529 is a 503 UNAVAILABLE. A rate limit with
// RetryAfter carries a RetryInfo detail too. An explicit err.Status wins
// (except 529).
func errorBody(err *switchboard.Error) (int, []byte) {
	status := err.Status
	msg := err.Message
	keyInvalid := false
	if status == 0 {
		switch err.Code {
		case switchboard.EUNAUTHORIZED:
			if missingKey(msg) {
				status = 403
			} else {
				status, keyInvalid = 400, true
				if msg == "" {
					msg = badKeyMessage
				}
			}
		case switchboard.EINVALID:
			status = 400
		case switchboard.ETOOLARGE:
			// Gemini itself answers an oversized body with a 400, but a
			// gateway limit is not a malformed request: 413 tells the
			// client exactly what to change, and genai surfaces any status.
			status = 413
		case switchboard.EOVERLOADED:
			status = 503
		default:
			status = switchboard.CodeStatus(err.Code)
		}
	}
	if status == 529 {
		status = 503
	}
	if msg == "" {
		msg = defaultMessage(status)
	}
	b := make([]byte, 0, 96+len(msg))
	b = append(b, `{"error":{"code":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"message":`...)
	b = jsonw.AppendString(b, msg)
	b = append(b, `,"status":"`...)
	b = append(b, statusName(status)...)
	b = append(b, '"')
	switch {
	case keyInvalid:
		b = append(b, `,"details":[{"@type":"`+errorInfoType+`","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}]`...)
	case status == 429 && err.RetryAfter > 0:
		b = append(b, `,"details":[{"@type":"`+retryInfoType+`","retryDelay":"`...)
		b = strconv.AppendInt(b, int64(err.RetryAfter), 10)
		b = append(b, `s"}]`...)
	}
	return status, append(b, "}}"...)
}

func missingKey(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "missing") || strings.Contains(m, "required") || strings.Contains(m, "no api key")
}

// statusName is the google.rpc.Code name Google sends with an HTTP status.
func statusName(status int) string {
	switch status {
	case 400, 413:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 405, 501:
		return "UNIMPLEMENTED"
	case 409:
		return "ABORTED"
	case 412:
		return "FAILED_PRECONDITION"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 499:
		return "CANCELLED"
	case 502, 503:
		return "UNAVAILABLE"
	case 504:
		return "DEADLINE_EXCEEDED"
	}
	if status >= 400 && status < 500 {
		return "FAILED_PRECONDITION"
	}
	return "INTERNAL"
}

func defaultMessage(status int) string {
	switch status {
	case 429:
		return "Resource has been exhausted (e.g. check quota)."
	case 503:
		return "The model is overloaded. Please try again later."
	case 504:
		return "Deadline exceeded."
	case 404:
		return "Not found."
	}
	if status >= 500 {
		return "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
	}
	return "Request failed."
}

// decodeError parses Google's error body (also the one-element array the
// non-SSE stream endpoint answers with).
func decodeError(status int, body []byte) *switchboard.Error {
	type envelope struct {
		Error *wireError `json:"error"`
	}
	var w envelope
	body = trim(body)
	if len(body) > 0 && body[0] == '[' {
		var arr []envelope
		if json.Unmarshal(body, &arr) == nil && len(arr) > 0 {
			w = arr[0]
		}
	} else {
		_ = json.Unmarshal(body, &w)
	}
	if w.Error == nil {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 300 || !json.Valid(body) && strings.ContainsAny(msg, "<>") {
			msg = ""
		}
		if msg == "" {
			msg = "Gemini answered with HTTP status " + strconv.Itoa(status) + "."
		}
		return &switchboard.Error{Code: switchboard.StatusCode(status), Message: msg}
	}
	return wireToError(w.Error, status)
}

// wireToError turns a Google error into a switchboard error. A 400 with
// reason API_KEY_INVALID is EUNAUTHORIZED; RetryInfo becomes RetryAfter.
func wireToError(w *wireError, status int) *switchboard.Error {
	if status == 0 {
		status = 500
	}
	e := &switchboard.Error{Code: switchboard.StatusCode(status), Message: w.Message}
	for _, d := range w.Details {
		switch {
		case d.Reason == "API_KEY_INVALID":
			e.Code = switchboard.EUNAUTHORIZED
		case d.Type == retryInfoType && d.RetryDelay != "":
			if s, err := strconv.ParseFloat(strings.TrimSuffix(d.RetryDelay, "s"), 64); err == nil && s > 0 && s < 1e6 {
				e.RetryAfter = int(math.Ceil(s))
			}
		}
	}
	if e.Message == "" {
		e.Message = "Gemini answered with HTTP status " + strconv.Itoa(status) + "."
	}
	return e
}
