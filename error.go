package switchboard

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status and to each client protocol's own
// error type in exactly one place (the protocol packages' ErrorBody functions).
const (
	EINVALID      = "invalid"      // malformed or semantically wrong input (400)
	EUNAUTHORIZED = "unauthorized" // missing or unknown key (401)
	EFORBIDDEN    = "forbidden"    // known caller, not allowed: a directive or policy refused (403)
	ENOTFOUND     = "not_found"    // unknown model, route or object (404)
	EMETHOD       = "method"       // wrong HTTP method (405)
	ETOOLARGE     = "too_large"    // body over the configured limit (413)
	ERATELIMIT    = "rate_limit"   // limits or upstream 429 (429)
	EINTERNAL     = "internal"     // a bug or an unexpected failure (500)
	EUPSTREAM     = "upstream"     // the upstream failed in a way the client cannot fix (502)
	EUNAVAILABLE  = "unavailable"  // the upstream or a dependency is down (503)
	EOVERLOADED   = "overloaded"   // the upstream says it is overloaded (Anthropic 529)
	ETIMEOUT      = "timeout"      // an upstream or gateway deadline passed (504)
	ECONFLICT     = "conflict"     // the change conflicts with current state (409)
)

// Error is the error every layer of Switchboard returns. Message is written
// for the person who made the request and says what to do; Cause stays in
// the logs and never reaches a client.
type Error struct {
	Code    string
	Message string
	// Param names the request field at fault, when there is one.
	Param string
	// Status overrides the status derived from Code; used to pass an
	// upstream status through unchanged (for example 529).
	Status int
	// RetryAfter, in seconds, is sent as the retry-after header when > 0.
	RetryAfter int
	Cause      error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// HTTPStatus is the status the error is answered with.
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	return CodeStatus(e.Code)
}

// CodeStatus maps an error code to its HTTP status.
func CodeStatus(code string) int {
	switch code {
	case EINVALID:
		return 400
	case EUNAUTHORIZED:
		return 401
	case EFORBIDDEN:
		return 403
	case ENOTFOUND:
		return 404
	case EMETHOD:
		return 405
	case ECONFLICT:
		return 409
	case ETOOLARGE:
		return 413
	case ERATELIMIT:
		return 429
	case EUPSTREAM:
		return 502
	case EUNAVAILABLE:
		return 503
	case EOVERLOADED:
		return 529
	case ETIMEOUT:
		return 504
	default:
		return 500
	}
}

// StatusCode maps an HTTP status (typically an upstream's) to an error code.
func StatusCode(status int) string {
	switch {
	case status == 400 || status == 422:
		return EINVALID
	case status == 401:
		return EUNAUTHORIZED
	case status == 402 || status == 403:
		return EFORBIDDEN
	case status == 404:
		return ENOTFOUND
	case status == 405:
		return EMETHOD
	case status == 409:
		return ECONFLICT
	case status == 413:
		return ETOOLARGE
	case status == 429:
		return ERATELIMIT
	case status == 503:
		return EUNAVAILABLE
	case status == 529:
		return EOVERLOADED
	case status == 504 || status == 408:
		return ETIMEOUT
	case status >= 500:
		return EUPSTREAM
	default:
		return EINTERNAL
	}
}

// Errorf returns an *Error with a formatted, user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or EINTERNAL when err is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// AsError returns err as an *Error, wrapping anything else as EINTERNAL with a
// message that reveals nothing about the cause.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Message: "internal error; the gateway logged the details", Cause: err}
}
